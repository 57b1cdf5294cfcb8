namespace Tollgate.Api.Auth;

/// <summary>
/// Who is calling the admin API, set on the request by <see cref="AdminAuthMiddleware"/>: a signed-in user (with their
/// session) or the admin API token, which has no session and so needs no CSRF token. <see cref="TeamId"/> set means a
/// team-scoped role: the caller reaches only routes marked <see cref="TeamScope"/>, and those show and change only that
/// team's virtual keys, budgets, logs and usage.
/// </summary>
internal sealed record AdminCaller(string Username, AdminRole Role, string? SessionId, string? CsrfToken, string? TeamId = null)
{
    /// <summary>The name the admin token answers to in <c>/api/auth/me</c>; reserved, so no user can take it.</summary>
    public const string TokenUsername = "admin-token";

    public static readonly AdminCaller Token = new(TokenUsername, AdminRole.Admin, null, null);

    public bool HasSession => SessionId is not null;

    public bool IsTeamScoped => TeamId is not null;

    /// <summary>The authenticated caller; every endpoint under <c>/api</c> except login runs only with one set.</summary>
    public static AdminCaller Of(HttpContext context) =>
        context.Features.Get<AdminCaller>() ?? throw new InvalidOperationException("The admin API endpoint ran without an authenticated caller.");
}
