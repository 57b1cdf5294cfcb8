namespace Tollgate.Configuration;

/// <summary>One OpenID Connect provider (<c>sso.oidc</c>); <see cref="ClientSecret"/> is already resolved from its reference.</summary>
public sealed record OidcSsoConfig
{
    /// <summary>The issuer URL; discovery is <c>{issuer}/.well-known/openid-configuration</c>.</summary>
    public required string Issuer { get; init; }

    public required string ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>Shown on the button: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; init; } = "single sign-on";

    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "profile", "email"];

    /// <summary>The ID token claim holding the user's groups (a string or an array).</summary>
    public string RoleClaim { get; init; } = "groups";

    /// <summary>
    /// Group → role (<c>admin</c>, <c>editor</c>, <c>viewer</c>, or a team-scoped <c>team:&lt;team_id&gt;:&lt;role&gt;</c>); a
    /// user in several groups gets the highest, a global role before any team-scoped one.
    /// </summary>
    public IReadOnlyDictionary<string, string> GroupMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>The role of a user in no mapped group; null refuses them.</summary>
    public string? DefaultRole { get; init; }

    /// <summary>Email domains allowed to sign in (lower case); empty allows any verified email.</summary>
    public IReadOnlyList<string> AllowedDomains { get; init; } = [];

    /// <summary>Creates a user on first sign-in; false lets in only users an admin created first (by email).</summary>
    public bool JitUsers { get; init; } = true;
}
