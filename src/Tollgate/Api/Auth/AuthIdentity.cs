using System.Text.Json.Serialization;

namespace Tollgate.Api.Auth;

/// <summary>
/// Who is signed in (<c>POST /api/auth/login</c>, <c>GET /api/auth/me</c>). <see cref="CsrfToken"/> is what the UI sends
/// back as <c>x-csrf-token</c>; <see cref="TeamId"/> is set for a team-scoped role; it is written as <c>null</c> (not left out) for the admin token, which needs none.
/// </summary>
internal sealed record AuthIdentity(
    string Username,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CsrfToken,
    string? TeamId)
{
    public static AuthIdentity Of(AdminCaller caller) => new(caller.Username, AdminRoles.Name(caller.Role), caller.CsrfToken, caller.TeamId);
}
