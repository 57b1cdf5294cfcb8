namespace Tollgate.Configuration;

/// <summary>
/// Admin sign-in (<c>sso</c>): an OpenID Connect provider and whether the local password form stays. Read at start;
/// a change needs a restart, since the OIDC handler and its metadata cache are built once (docs/sso.md).
/// </summary>
public sealed record SsoConfig
{
    public static readonly SsoConfig Default = new();

    /// <summary>False hides the password form and makes <c>POST /api/auth/login</c> answer 403 (the admin API token still works).</summary>
    public bool LocalSignIn { get; init; } = true;

    public OidcSsoConfig? Oidc { get; init; }
}
