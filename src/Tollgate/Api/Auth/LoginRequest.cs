namespace Tollgate.Api.Auth;

/// <summary><c>POST /api/auth/login</c> body.</summary>
internal sealed record LoginRequest(string? Username, string? Password);
