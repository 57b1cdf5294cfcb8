using Tollgate.Inference;

namespace Tollgate.Api.Auth;

/// <summary>The admin API's authentication and authorisation errors, OpenAI-shaped like every other.</summary>
internal static class AuthErrors
{
    public static readonly GatewayError Unauthenticated = new(StatusCodes.Status401Unauthorized,
        "Admin API requires a session (POST /api/auth/login, then the tollgate_session cookie) or 'Authorization: Bearer <admin token>' (TOLLGATE_ADMIN_TOKEN).",
        ErrorTypes.Authentication, "invalid_admin_token");

    public static readonly GatewayError CsrfFailed = new(StatusCodes.Status403Forbidden,
        "Missing or wrong x-csrf-token header: with a session, every request that changes something must send the csrf_token from login or GET /api/auth/me.",
        ErrorTypes.Permission, "csrf_failed");

    /// <summary>The same answer whether the user exists or not, so the endpoint does not reveal usernames.</summary>
    public static readonly GatewayError InvalidCredentials = new(StatusCodes.Status401Unauthorized,
        "Invalid username or password.", ErrorTypes.Authentication, "invalid_credentials");

    public static readonly GatewayError LocalSignInDisabled = new(StatusCodes.Status403Forbidden,
        "Password sign-in is turned off (sso.local_sign_in: false); sign in with single sign-on (GET /api/auth/sso).",
        ErrorTypes.Permission, "local_sign_in_disabled");

    public static readonly GatewayError SessionRequired = new(StatusCodes.Status400BadRequest,
        "Only a signed-in user has a password to change; the admin API token has none.", ErrorTypes.InvalidRequest, "session_required");

    public static GatewayError InsufficientRole(AdminRole required, AdminRole actual) => new(StatusCodes.Status403Forbidden,
        $"This request needs the {AdminRoles.Name(required)} role; you have {AdminRoles.Name(actual)}.", ErrorTypes.Permission, "insufficient_role");

    public static GatewayError OutsideTeamScope(string teamId) => new(StatusCodes.Status403Forbidden,
        $"Your role is scoped to team '{teamId}'; this request reaches beyond that team.", ErrorTypes.Permission, "team_scope");

    public static GatewayError Throttled(int retryAfterSeconds) => new(StatusCodes.Status429TooManyRequests,
        $"Too many failed sign-in attempts; try again in {retryAfterSeconds} s.", ErrorTypes.RateLimit, "login_throttled")
    {
        RetryAfterSeconds = retryAfterSeconds,
    };
}
