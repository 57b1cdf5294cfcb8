namespace Tollgate.Configuration;

/// <summary>Reads and validates the <c>sso</c> section; every error names its JSON path.</summary>
internal static class SsoConfigReader
{
    // The role names of the admin API (Api.Auth.AdminRoles); repeated here so Configuration does not depend on Api.
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "admin", "editor", "viewer" };

    /// <summary>A global role, or one scoped to a team as <c>team:&lt;team_id&gt;:&lt;role&gt;</c> (the users table's form).</summary>
    private static bool IsRole(string role, bool allowTeam)
    {
        if (Roles.Contains(role))
        {
            return true;
        }

        var colon = role.LastIndexOf(':');
        return allowTeam && role.StartsWith("team:", StringComparison.Ordinal) && colon > "team:".Length && Roles.Contains(role[(colon + 1)..]);
    }

    public static SsoConfig Read(JsonObjectReader? section, ISecretResolver secrets, List<string> warnings)
    {
        if (section is null)
        {
            return SsoConfig.Default;
        }

        var oidc = section.Object("oidc") is { } reader ? ReadOidc(reader, secrets, warnings) : null;
        var local = section.Bool("local_sign_in") ?? true;
        if (!local && oidc is null)
        {
            throw new ConfigException(section.PathOf("local_sign_in"), "false needs another way to sign in: configure sso.oidc");
        }

        section.Finish(System.Collections.Frozen.FrozenSet<string>.Empty, warnings);
        return new SsoConfig { LocalSignIn = local, Oidc = oidc };
    }

    private static OidcSsoConfig ReadOidc(JsonObjectReader reader, ISecretResolver secrets, List<string> warnings)
    {
        var issuer = reader.RequiredString("issuer");
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var issuerUri) || issuerUri.Scheme is not ("https" or "http"))
        {
            throw new ConfigException(reader.PathOf("issuer"), "must be an absolute http(s) URL");
        }

        // Discovery and keys over plain HTTP are open to anyone on the path; only a provider on this machine may use it.
        if (issuerUri.Scheme == "http" && !issuerUri.IsLoopback)
        {
            throw new ConfigException(reader.PathOf("issuer"), "must use https (plain http only for a loopback address)");
        }

        var clientId = reader.RequiredString("client_id");
        var secret = reader.String("client_secret") is { } reference ? secrets.Resolve(reference, reader.PathOf("client_secret")) : null;
        var scopes = reader.StringArray("scopes") ?? ["openid", "profile", "email"];
        if (!scopes.Contains("openid"))
        {
            throw new ConfigException(reader.PathOf("scopes"), "must include 'openid'");
        }

        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.Object("group_mapping") is { } groups)
        {
            foreach (var property in groups.Properties())
            {
                var role = groups.RequiredString(property.Name);
                if (!IsRole(role, allowTeam: true))
                {
                    throw new ConfigException(groups.PathOf(property.Name), $"unknown role '{role}' (admin, editor, viewer, or team:<team_id>:<one of them>)");
                }

                mapping[property.Name] = role;
            }
        }

        var defaultRole = reader.String("default_role");
        if (defaultRole is not null && !Roles.Contains(defaultRole))
        {
            throw new ConfigException(reader.PathOf("default_role"), $"unknown role '{defaultRole}' (admin, editor or viewer)");
        }

        var domains = (reader.StringArray("allowed_domains") ?? []).Select(domain => domain.Trim().TrimStart('@').ToLowerInvariant()).ToList();
        if (domains.Any(domain => domain.Length == 0))
        {
            throw new ConfigException(reader.PathOf("allowed_domains"), "an entry is empty");
        }

        var config = new OidcSsoConfig
        {
            Issuer = issuer.TrimEnd('/'),
            ClientId = clientId,
            ClientSecret = secret,
            DisplayName = reader.String("display_name") ?? "single sign-on",
            Scopes = scopes,
            RoleClaim = reader.String("role_claim") ?? "groups",
            GroupMapping = mapping,
            DefaultRole = defaultRole,
            AllowedDomains = domains,
            JitUsers = reader.Bool("jit_users") ?? true,
        };
        reader.Finish(System.Collections.Frozen.FrozenSet<string>.Empty, warnings);
        return config;
    }
}
