using System.Text;

namespace Tollgate.Emulator.Pipeline;

/// <summary>An <c>Authorization: Basic</c> pair, as the OAuth client-credentials call sends it.</summary>
internal sealed record BasicCredentials(string ClientId, string ClientSecret)
{
    public static BasicCredentials? Decode(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : new BasicCredentials(Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
