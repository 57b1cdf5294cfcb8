namespace Tollgate.Api.Auth;

/// <summary>
/// <c>PUT /api/users/{username}</c> body: role and/or password. A role is sent with its scope: <see cref="TeamId"/> with
/// it scopes the role to that team, without it the role is global; a team_id alone is refused.
/// </summary>
internal sealed record UserUpdateRequest(string? Role, string? Password, string? TeamId = null);
