using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Tollgate.Secrets;

/// <summary>Reads an OAuth 2.0 token answer (RFC 6749 §5.1): Google's, Entra ID's and Azure managed identity's alike.</summary>
internal static class OAuthToken
{
    public static (string? Value, TimeSpan Lifetime, string? Error) Read(HttpStatusCode status, string body, string what, DateTimeOffset now)
    {
        if (status != HttpStatusCode.OK)
        {
            return (null, default, StoreHttp.Describe(status, body, what));
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var token = root.TryGetProperty("access_token", out var t) ? t.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                return (null, default, $"{what}: no access_token in the answer");
            }

            // Managed identity endpoints send numbers as strings; App Service's sends expires_on (Unix seconds) only.
            var seconds = Number(root, "expires_in") ?? (Number(root, "expires_on") is { } expiresOn ? expiresOn - now.ToUnixTimeSeconds() : 3600);
            return (token, TimeSpan.FromSeconds(Math.Max(seconds, 1)), null);
        }
        catch (JsonException)
        {
            return (null, default, $"{what}: the answer is not JSON");
        }
    }

    private static long? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) ? e.ValueKind switch
        {
            JsonValueKind.Number when e.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        } : null;
}
