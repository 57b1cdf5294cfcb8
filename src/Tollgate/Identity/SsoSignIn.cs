using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Api.Auth;
using Tollgate.Audit;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Storage;

namespace Tollgate.Identity;

/// <summary>
/// Turns an identity the IdP vouched for into a Tollgate session:
/// <code>
/// claims ─► email (verified) ─► allowed domain? ─► groups ─► role (group_mapping, highest wins; else default_role)
///        ─► user exists? ──no──► jit_users? create : refuse        (an existing user's role follows the IdP)
///        ─► session ─► audit sso.sign_in
/// </code>
/// Every refusal is audited with its reason, like a wrong password.
/// </summary>
internal sealed class SsoSignIn(IGatewayStore store, SessionService sessions, PasswordHasher hasher, AuditLog audit, TimeProvider time, GovernanceRegistry governance)
{
    public const string AuditAction = "sso.sign_in";

    public SsoSignInResult SignIn(ClaimsPrincipal principal, OidcSsoConfig config, string clientAddress)
    {
        var result = Decide(principal, config);
        audit.Record(new AuditEntry
        {
            ActorKind = result.Subject == "-" ? "anonymous" : "user",
            Actor = result.Subject,
            Source = clientAddress,
            Action = AuditAction,
            Target = "oidc " + config.Issuer,
            Status = result.Session is not null ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden,
            After = JsonSerializer.Serialize(new Dictionary<string, string?> { ["role"] = result.Role, ["failure"] = result.Failure },
                IdentityJsonContext.Default.DictionaryStringString),
        });
        return result;
    }

    /// <summary>A sign-in that failed before any identity was known (the IdP refused, a bad state or token).</summary>
    public void RecordFailure(OidcSsoConfig config, string clientAddress, string failure) => audit.Record(new AuditEntry
    {
        ActorKind = "anonymous",
        Actor = "-",
        Source = clientAddress,
        Action = AuditAction,
        Target = "oidc " + config.Issuer,
        Status = StatusCodes.Status401Unauthorized,
        After = JsonSerializer.Serialize(new Dictionary<string, string?> { ["failure"] = failure }, IdentityJsonContext.Default.DictionaryStringString),
    });

    private SsoSignInResult Decide(ClaimsPrincipal principal, OidcSsoConfig config)
    {
        var email = (principal.FindFirst("email")?.Value ?? string.Empty).Trim().ToLowerInvariant();
        if (email.Length == 0)
        {
            return SsoSignInResult.Refused("-", "the identity provider sent no email claim");
        }

        var subject = email.Length <= UserService.MaxUsernameLength ? email : email[..UserService.MaxUsernameLength];
        if (principal.FindFirst("email_verified") is { } verified && !string.Equals(verified.Value, "true", StringComparison.OrdinalIgnoreCase))
        {
            return SsoSignInResult.Refused(subject, "the email address is not verified");
        }

        var at = email.LastIndexOf('@');
        var domain = at >= 0 ? email[(at + 1)..] : string.Empty;
        if (config.AllowedDomains.Count > 0 && !config.AllowedDomains.Contains(domain))
        {
            return SsoSignInResult.Refused(subject, $"the domain '{domain}' is not in sso.oidc.allowed_domains");
        }

        if (UserService.UsernameProblem(email) is { } problem)
        {
            return SsoSignInResult.Refused(subject, "the email is no valid username: " + problem);
        }

        if (RoleOf(principal, config) is not var (role, team))
        {
            return SsoSignInResult.Refused(subject, $"no group in '{config.RoleClaim}' maps to a role and there is no default_role");
        }

        if (team is not null && !governance.Current.Teams.ContainsKey(team))
        {
            return SsoSignInResult.Refused(subject, $"the group maps to team '{team}', which does not exist");
        }

        var stored = AdminRoles.Stored(role, team);

        var now = time.GetUtcNow();
        var user = store.GetUser(email);
        if (user is null)
        {
            if (!config.JitUsers)
            {
                return SsoSignInResult.Refused(subject, "no such user and sso.oidc.jit_users is false");
            }

            // SSO users have no password: a random one nobody knows keeps the password form closed to them.
            var unusable = hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!store.AddUser(new StoredUser(email, stored, unusable, now, now)))
            {
                user = store.GetUser(email);
            }
        }
        else if (user.Role != stored)
        {
            // The IdP is the source of truth for roles; the store refuses to demote the last admin, which then stays admin.
            if (store.UpdateUser(email, stored, passwordHash: null, now) != UserWriteResult.Done)
            {
                stored = user.Role;
            }
            else
            {
                sessions.EndAllOf(email);
            }
        }

        var session = sessions.Create(email);
        return new SsoSignInResult(subject, session, stored, null);
    }

    /// <summary>The mapped role: any global role before a team-scoped one, then the higher; ties keep the first group.</summary>
    private static (AdminRole Role, string? Team)? RoleOf(ClaimsPrincipal principal, OidcSsoConfig config)
    {
        (AdminRole Role, string? Team)? best = null;
        foreach (var claim in principal.FindAll(config.RoleClaim))
        {
            if (config.GroupMapping.TryGetValue(claim.Value, out var name) && AdminRoles.TryParseStored(name, out var role, out var team)
                && (best is not { } current || Rank(role, team) > Rank(current.Role, current.Team)))
            {
                best = (role, team);
            }
        }

        if (best is null && AdminRoles.TryParse(config.DefaultRole, out var fallback))
        {
            best = (fallback, null);
        }

        return best;
    }

    private static int Rank(AdminRole role, string? team) => (int)role + (team is null ? 100 : 0);
}
