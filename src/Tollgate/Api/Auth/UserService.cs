using System.Security.Cryptography;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Inference;
using Tollgate.Observability;
using Tollgate.Observability.Logging;
using Tollgate.Storage;

namespace Tollgate.Api.Auth;

/// <summary>
/// Admin users: the first admin at start, sign-in, and user management with its rules (valid names and roles, passwords
/// of at least <see cref="MinPasswordLength"/> characters, never delete yourself, never lose the last admin). Failures
/// come back as <see cref="GatewayError"/> values; every change is written to the audit log.
/// </summary>
internal sealed class UserService
{
    public const int MaxUsernameLength = 64;
    public const int MinPasswordLength = 8;

    // PBKDF2 pre-hashes long keys, so this is not about CPU; it keeps absurd bodies out of the hasher and the store.
    public const int MaxPasswordLength = 1024;

    private readonly IGatewayStore _store;
    private readonly PasswordHasher _hasher;
    private readonly SessionService _sessions;
    private readonly LoginThrottle _throttle;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _audit;

    private readonly ConsoleNotice _notice;
    private readonly GovernanceRegistry _governance;

    public UserService(IGatewayStore store, PasswordHasher hasher, SessionService sessions, LoginThrottle throttle, GatewayOptions options,
        TimeProvider time, ILoggerFactory loggers, ConsoleNotice notice, GovernanceRegistry governance)
    {
        _governance = governance;
        _notice = notice;
        _store = store;
        _hasher = hasher;
        _sessions = sessions;
        _throttle = throttle;
        _options = options;
        _time = time;
        _audit = loggers.CreateLogger("Tollgate.Audit");
    }

    /// <summary>
    /// With no user at all, creates <c>admin</c> with <c>TOLLGATE_ADMIN_PASSWORD</c>, or a generated password printed
    /// once. Existing users are never touched, so the variable cannot reset a password an admin has since changed.
    /// </summary>
    public void EnsureBootstrapAdmin()
    {
        if (_store.ListUsers().Count > 0)
        {
            return;
        }

        var password = _options.AdminPassword;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        }
        else if (PasswordProblem(password!) is { } problem)
        {
            throw new ConfigException("TOLLGATE_ADMIN_PASSWORD", problem);
        }

        var now = _time.GetUtcNow();
        // Another instance starting on the same PostgreSQL may win the insert; then its admin stands and we print nothing.
        if (!_store.AddUser(new StoredUser(AdminRoles.AdminName, AdminRoles.AdminName, _hasher.Hash(password!), now, now)))
        {
            return;
        }

        GatewayLog.BootstrapAdminCreated(_audit, AdminRoles.AdminName, generated ? "generated password" : "TOLLGATE_ADMIN_PASSWORD");
        if (generated)
        {
            // Printed once on purpose, like a generated admin token: it is the only way the operator learns it.
            _notice.Write($"Tollgate created the admin user 'admin' with a generated password (shown only this once): {password}");
        }
    }

    public (NewSession? Session, AdminCaller? Caller, GatewayError? Error) Login(string? username, string? password, string clientAddress)
    {
        username ??= string.Empty;
        password ??= string.Empty;
        var shownName = username.Length <= MaxUsernameLength ? username : username[..MaxUsernameLength] + "…";
        if (_throttle.RetryAfterSeconds(username, clientAddress) is { } wait)
        {
            GatewayLog.SignInThrottled(_audit, shownName, clientAddress, wait);
            return (null, null, AuthErrors.Throttled(wait));
        }

        var user = UsernameProblem(username) is null ? _store.GetUser(username) : null;
        // Unknown users verify against a dummy hash: the same work either way, so timing does not reveal names.
        var verified = _hasher.Verify(password.Length <= MaxPasswordLength ? password : string.Empty, user?.PasswordHash ?? _hasher.DummyHash);
        if (!verified || user is null || password.Length > MaxPasswordLength || !AdminRoles.TryParseStored(user.Role, out var role, out var teamId))
        {
            _throttle.RecordFailure(username, clientAddress);
            GatewayLog.SignInFailed(_audit, shownName, clientAddress);
            return (null, null, AuthErrors.InvalidCredentials);
        }

        _throttle.Reset(username);
        if (_hasher.NeedsRehash(user.PasswordHash))
        {
            // The password is at hand only now: upgrade a hash made with fewer iterations than today's setting.
            _store.UpdateUser(user.Username, role: null, _hasher.Hash(password), _time.GetUtcNow());
        }

        var session = _sessions.Create(user.Username);
        GatewayLog.SignedIn(_audit, user.Username, user.Role, clientAddress);
        return (session, new AdminCaller(user.Username, role, session.Session.Id, session.Session.CsrfToken, teamId), null);
    }

    public void Logout(AdminCaller caller)
    {
        if (caller.SessionId is { } id)
        {
            _sessions.End(id);
            GatewayLog.SignedOut(_audit, caller.Username);
        }
    }

    public GatewayError? ChangePassword(AdminCaller caller, string? currentPassword, string? newPassword, string clientAddress)
    {
        if (!caller.HasSession)
        {
            return AuthErrors.SessionRequired;
        }

        if (_throttle.RetryAfterSeconds(caller.Username, clientAddress) is { } wait)
        {
            return AuthErrors.Throttled(wait);
        }

        if (_store.GetUser(caller.Username) is not { } user)
        {
            return AuthErrors.Unauthenticated;
        }

        if (currentPassword is null || !_hasher.Verify(currentPassword, user.PasswordHash))
        {
            // A stolen session must not become a way to guess the password: failures count like sign-in failures.
            _throttle.RecordFailure(caller.Username, clientAddress);
            return Invalid("The current password is wrong.", "current_password", "invalid_current_password");
        }

        if (PasswordProblem(newPassword) is { } problem)
        {
            return Invalid($"new_password {problem}.", "new_password", "invalid_password");
        }

        if (_store.UpdateUser(user.Username, role: null, _hasher.Hash(newPassword!), _time.GetUtcNow()) == UserWriteResult.NotFound)
        {
            return AuthErrors.Unauthenticated;
        }

        _sessions.EndAllOf(user.Username, exceptId: caller.SessionId);
        GatewayLog.PasswordChanged(_audit, user.Username);
        return null;
    }

    public IReadOnlyList<StoredUser> List() => _store.ListUsers();

    public (StoredUser? User, GatewayError? Error) Create(AdminCaller actor, string? username, string? password, string? role, string? teamId = null)
    {
        if (UsernameProblem(username) is { } nameProblem)
        {
            return (null, Invalid($"username {nameProblem}.", "username"));
        }

        if (!AdminRoles.TryParse(role, out var parsedRole))
        {
            return (null, Invalid("role must be admin, editor or viewer.", "role"));
        }

        if (TeamProblem(teamId) is { } teamProblem)
        {
            return (null, teamProblem);
        }

        if (PasswordProblem(password) is { } passwordProblem)
        {
            return (null, Invalid($"password {passwordProblem}.", "password"));
        }

        var now = _time.GetUtcNow();
        var user = new StoredUser(username!, AdminRoles.Stored(parsedRole, teamId), _hasher.Hash(password!), now, now);
        if (!_store.AddUser(user))
        {
            return (null, new GatewayError(StatusCodes.Status409Conflict, $"A user named '{username}' already exists.", ErrorTypes.InvalidRequest, "user_exists", "username"));
        }

        GatewayLog.UserCreated(_audit, user.Username, user.Role, actor.Username);
        return (user, null);
    }

    public (StoredUser? User, GatewayError? Error) Update(AdminCaller actor, string username, string? role, string? password, string? teamId = null)
    {
        if (role is null && password is null)
        {
            return (null, Invalid(teamId is null ? "Send role and/or password to change." : "Send team_id with the role it scopes.", teamId is null ? null : "role"));
        }

        if (role is null && teamId is not null)
        {
            return (null, Invalid("Send team_id with the role it scopes.", "role"));
        }

        var parsedRole = AdminRole.Viewer;
        if (role is not null && !AdminRoles.TryParse(role, out parsedRole))
        {
            return (null, Invalid("role must be admin, editor or viewer.", "role"));
        }

        if (TeamProblem(teamId) is { } teamProblem)
        {
            return (null, teamProblem);
        }

        // The stored form carries the scope: "viewer" and "team:ml:viewer" are different roles.
        role = role is null ? null : AdminRoles.Stored(parsedRole, teamId);

        if (password is not null && PasswordProblem(password) is { } problem)
        {
            return (null, Invalid($"password {problem}.", "password"));
        }

        if (_store.GetUser(username) is not { } existing)
        {
            return (null, NotFound(username));
        }

        var newRole = role is not null && role != existing.Role ? role : null;
        if (newRole is null && password is null)
        {
            return (existing, null);
        }

        switch (_store.UpdateUser(username, newRole, password is null ? null : _hasher.Hash(password), _time.GetUtcNow()))
        {
            case UserWriteResult.NotFound:
                return (null, NotFound(username));
            case UserWriteResult.LastAdmin:
                return (null, LastAdmin(username, "demote"));
        }

        // New rights or a new password take effect at the next sign-in, on every instance.
        _sessions.EndAllOf(username);
        var updated = _store.GetUser(username) ?? existing;
        GatewayLog.UserUpdated(_audit, username, updated.Role, password is not null, actor.Username);
        return (updated, null);
    }

    public GatewayError? Delete(AdminCaller actor, string username)
    {
        if (actor.HasSession && actor.Username == username)
        {
            return new GatewayError(StatusCodes.Status409Conflict, "You cannot delete your own user; another admin can.", ErrorTypes.InvalidRequest, "cannot_delete_self");
        }

        switch (_store.DeleteUser(username))
        {
            case UserWriteResult.NotFound:
                return NotFound(username);
            case UserWriteResult.LastAdmin:
                return LastAdmin(username, "delete");
        }

        // The store deleted the sessions with the user; this instance's cache forgets them too.
        _sessions.Forget(username);
        GatewayLog.UserDeleted(_audit, username, actor.Username);
        return null;
    }

    /// <summary>Why a username is not acceptable, or null: 1–64 of <c>A-Z a-z 0-9 . _ @ -</c>, and not the token's name.</summary>
    public static string? UsernameProblem(string? username)
    {
        if (string.IsNullOrEmpty(username) || username.Length > MaxUsernameLength)
        {
            return $"must be 1 to {MaxUsernameLength} characters";
        }

        foreach (var c in username)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '@' or '-'))
            {
                return "may contain only letters, digits and . _ @ -";
            }
        }

        return username == AdminCaller.TokenUsername ? $"'{AdminCaller.TokenUsername}' is reserved for the admin API token" : null;
    }

    /// <summary>A team scope must name a team that exists now (a deleted team later leaves its users with nothing to see).</summary>
    private GatewayError? TeamProblem(string? teamId) =>
        teamId is null || _governance.Current.Teams.ContainsKey(teamId) ? null : Invalid($"team_id '{teamId}' is not a team.", "team_id");

    /// <summary>Why a password is not acceptable, or null.</summary>
    public static string? PasswordProblem(string? password) => password switch
    {
        null => "is required",
        { Length: < MinPasswordLength } => $"must be at least {MinPasswordLength} characters",
        { Length: > MaxPasswordLength } => $"must be at most {MaxPasswordLength} characters",
        _ => null,
    };

    private static GatewayError Invalid(string message, string? param, string code = "invalid_user") =>
        GatewayError.BadRequest(message, param, code);

    private static GatewayError NotFound(string username) =>
        new(StatusCodes.Status404NotFound, $"User '{username}' does not exist.", ErrorTypes.NotFound, "user_not_found");

    private static GatewayError LastAdmin(string username, string verb) =>
        new(StatusCodes.Status409Conflict, $"Cannot {verb} '{username}': it is the last admin. Make another user admin first.", ErrorTypes.InvalidRequest, "last_admin");
}
