namespace Tollgate.Api.Auth;

/// <summary><c>POST /api/users</c> body.</summary>
internal sealed record UserCreateRequest(string? Username, string? Password, string? Role);
