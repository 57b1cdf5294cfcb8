namespace Tollgate.Api.Auth;

/// <summary><c>PUT /api/users/{username}</c> body: either field, or both.</summary>
internal sealed record UserUpdateRequest(string? Role, string? Password);
