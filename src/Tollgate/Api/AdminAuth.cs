using System.Security.Cryptography;
using System.Text;
using Tollgate.Configuration;
using Tollgate.Pipeline;
using Tollgate.Storage;

namespace Tollgate.Api;

/// <summary>
/// Admin API authentication by token (<c>Authorization: Bearer tga-…</c>). The token is <c>TOLLGATE_ADMIN_TOKEN</c>, or
/// one generated on first start, printed once and stored only as a SHA-256 hash. Sessions for the UI come with issue 7.
/// </summary>
internal sealed class AdminAuth
{
    private const string HashSetting = "admin_token_sha256";
    private readonly byte[] _tokenHash;

    public AdminAuth(GatewayOptions options, IGatewayStore store)
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
        Console.WriteLine($"Tollgate generated an admin API token (shown only this once): {token}");
    }

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

    public static readonly GatewayError Unauthorized = new(StatusCodes.Status401Unauthorized,
        "Admin API requires 'Authorization: Bearer <admin token>' (TOLLGATE_ADMIN_TOKEN).", ErrorTypes.Authentication, "invalid_admin_token");

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

internal static class AdminAuthExtensions
{
    /// <summary>Every endpoint of the group answers 401 (OpenAI-shaped) without a valid admin token.</summary>
    public static RouteGroupBuilder RequireAdmin(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var auth = context.HttpContext.RequestServices.GetRequiredService<AdminAuth>();
            if (!auth.IsAuthorized(context.HttpContext))
            {
                await ErrorResponses.WriteAsync(context.HttpContext, AdminAuth.Unauthorized).ConfigureAwait(false);
                return Results.Empty;
            }

            return await next(context).ConfigureAwait(false);
        });
        return group;
    }
}
