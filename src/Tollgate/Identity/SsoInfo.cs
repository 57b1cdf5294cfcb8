namespace Tollgate.Identity;

/// <summary>What the login page needs (<c>GET /api/auth/sso</c>, public): whether to show the password form and which buttons.</summary>
internal sealed record SsoInfo(bool LocalSignIn, SsoProviderInfo? Oidc);
