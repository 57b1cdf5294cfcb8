using Tollgate.Configuration;

namespace Tollgate.Storage;

/// <summary>
/// The config store: providers added through the admin API (their whole JSON encrypted, since it carries keys) and
/// settings, admin users and their UI sessions. SQLite under the data directory by default, PostgreSQL when instances share one database (DESIGN.md).
/// </summary>
public interface IGatewayStore : IStoredProviders
{
    /// <summary>Inserts or replaces a provider; the JSON is encrypted before it is written.</summary>
    void SaveProvider(string name, string json);

    /// <summary>False when no provider had that name.</summary>
    bool DeleteProvider(string name);

    string? GetSetting(string key);

    void SetSetting(string key, string value);

    /// <summary>
    /// Keeps a Responses API conversation (chat messages JSON) for <c>previous_response_id</c> until it expires, and
    /// sweeps those expired before <paramref name="now"/>. On the request path, so asynchronous.
    /// </summary>
    Task SaveResponseAsync(string id, string conversationJson, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The stored conversation, or null when unknown or expired.</summary>
    Task<string?> LoadResponseAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Admin users in username order (ordinal).</summary>
    IReadOnlyList<StoredUser> ListUsers();

    StoredUser? GetUser(string username);

    /// <summary>False when the username is taken (the row is left as it was: a start-up bootstrap never overwrites).</summary>
    bool AddUser(StoredUser user);

    /// <summary>
    /// Sets the role and/or the password hash (null keeps it). Refuses with <see cref="UserWriteResult.LastAdmin"/> to
    /// demote the only admin; the check and the write are one transaction. Does not touch sessions.
    /// </summary>
    UserWriteResult UpdateUser(string username, string? role, string? passwordHash, DateTimeOffset updatedAt);

    /// <summary>Deletes the user and their sessions; refuses with <see cref="UserWriteResult.LastAdmin"/> for the only admin.</summary>
    UserWriteResult DeleteUser(string username);

    /// <summary>Stores a new session and sweeps expired ones.</summary>
    void AddSession(StoredSession session);

    /// <summary>The session, or null when unknown or expired at <paramref name="now"/>.</summary>
    StoredSession? GetSession(string id, DateTimeOffset now);

    /// <summary>Slides a session's idle deadline.</summary>
    void TouchSession(string id, DateTimeOffset lastSeenAt, DateTimeOffset expiresAt);

    /// <summary>False when no session had that id.</summary>
    bool DeleteSession(string id);

    /// <summary>Ends every session of the user except <paramref name="exceptId"/>; returns how many ended.</summary>
    int DeleteUserSessions(string username, string? exceptId);
}
