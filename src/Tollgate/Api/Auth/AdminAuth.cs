using System.Security.Cryptography;
using System.Text;
using Tollgate.Configuration;
using Tollgate.Observability.Logging;
using Tollgate.Storage;

namespace Tollgate.Api.Auth;

/// <summary>
/// The admin API token (<c>Authorization: Bearer tga-…</c>): <c>TOLLGATE_ADMIN_TOKEN</c>, or one generated on first
/// start, printed once and stored only as a SHA-256 hash. It acts as an admin with no session (for scripts and CI).
/// </summary>
internal sealed class AdminAuth
{
    private const string HashSetting = "admin_token_sha256";
    private readonly byte[] _tokenHash;

    public AdminAuth(GatewayOptions options, IGatewayStore store, ConsoleNotice notice)
    {
        if (!string.IsNullOrEmpty(options.AdminToken))
        {
            _tokenHash = Hash(options.AdminToken);
            return;
        }

        if (store.GetSetting(HashSetting) is { } stored)
        {
            _tokenHash = Convert.FromHexString(stored);
            return;
        }

        var token = "tga-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        _tokenHash = Hash(token);
        store.SetSetting(HashSetting, Convert.ToHexString(_tokenHash));
        // Printed once on purpose (DESIGN.md): it is the only way the operator learns a generated token.
        notice.Write($"Tollgate generated an admin API token (shown only this once): {token}");
    }

    /// <summary>True when the request carries an <c>Authorization</c> header at all: then it must be the token.</summary>
    public static bool HasAuthorizationHeader(HttpContext context) => context.Request.Headers.Authorization.Count > 0;

    public bool IsAuthorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Hash(header["Bearer ".Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
