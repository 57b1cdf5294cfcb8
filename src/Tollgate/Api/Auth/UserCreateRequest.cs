namespace Tollgate.Api.Auth;

/// <summary><c>POST /api/users</c> body; <see cref="TeamId"/> scopes <see cref="Role"/> to one team.</summary>
internal sealed record UserCreateRequest(string? Username, string? Password, string? Role, string? TeamId = null);
