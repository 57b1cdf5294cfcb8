namespace Tollgate.Storage;

/// <summary>
/// An admin UI session. <see cref="Id"/> is the SHA-256 (hex) of the cookie's token, never the token itself, so a
/// leaked database does not hand out live sessions. <see cref="ExpiresAt"/> is the effective end: the idle deadline,
/// capped by the absolute one.
/// </summary>
public sealed record StoredSession(string Id, string Username, string CsrfToken, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt);
