namespace Tollgate.Api.Auth;

/// <summary><c>POST /api/auth/password</c> body.</summary>
internal sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);
