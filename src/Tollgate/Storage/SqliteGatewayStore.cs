using Microsoft.Data.Sqlite;

namespace Tollgate.Storage;

/// <summary>The embedded SQLite store under the data directory: one file that the governance store shares.</summary>
public sealed class SqliteGatewayStore : IGatewayStore
{
    private readonly string _connectionString;
    private readonly SecretProtector _protector;

    public SqliteGatewayStore(string dataDirectory, SecretProtector protector)
    {
        Directory.CreateDirectory(dataDirectory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "tollgate.db"),
            Cache = SqliteCacheMode.Shared,
            Pooling = true,
        }.ToString();
        _protector = protector;
        Migrate();
    }

    /// <summary>For other stores sharing the same database file.</summary>
    public string ConnectionString => _connectionString;

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private void Migrate()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS providers (
                name TEXT PRIMARY KEY,
                config TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS responses (
                id TEXT PRIMARY KEY,
                conversation TEXT NOT NULL,
                expires_ms INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_responses_expires ON responses (expires_ms);
            CREATE TABLE IF NOT EXISTS users (
                username TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                updated_ms INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_sessions_username ON sessions (username);
            CREATE INDEX IF NOT EXISTS ix_sessions_expires ON sessions (expires_ms);
            """;
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<(string Name, string Json)> LoadProviders()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, config FROM providers ORDER BY name";
        using var reader = command.ExecuteReader();
        var list = new List<(string, string)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), _protector.Unprotect(reader.GetString(1))));
        }

        return list;
    }

    public void SaveProvider(string name, string json)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO providers (name, config, updated_at) VALUES ($name, $config, $now)
            ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$config", _protector.Protect(json));
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
        command.ExecuteNonQuery();
    }

    public bool DeleteProvider(string name)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM providers WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteNonQuery() > 0;
    }

    public string? GetSetting(string key)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM settings WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    public void SetSetting(string key, string value)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    // Microsoft.Data.Sqlite's async methods complete synchronously (SQLite has no asynchronous I/O), so the request
    // path hands these two to the thread pool instead of blocking its own thread on the file.
    public Task SaveResponseAsync(string id, string conversationJson, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.Run(() => SaveResponse(id, conversationJson, expiresAt, now), cancellationToken);

    public Task<string?> LoadResponseAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.Run(() => LoadResponse(id, now), cancellationToken);

    private void SaveResponse(string id, string conversationJson, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        // Expired conversations are swept as new ones arrive; the index keeps that cheap.
        command.CommandText = """
            DELETE FROM responses WHERE expires_ms < $now;
            INSERT INTO responses (id, conversation, expires_ms) VALUES ($id, $conversation, $expires)
            ON CONFLICT(id) DO UPDATE SET conversation = excluded.conversation, expires_ms = excluded.expires_ms;
            """;
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$conversation", conversationJson);
        command.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    private string? LoadResponse(string id, DateTimeOffset now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT conversation FROM responses WHERE id = $id AND expires_ms >= $now";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return command.ExecuteScalar() as string;
    }

    public IReadOnlyList<StoredUser> ListUsers()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT username, role, password_hash, created_ms, updated_ms FROM users ORDER BY username";
        using var reader = command.ExecuteReader();
        var list = new List<StoredUser>();
        while (reader.Read())
        {
            list.Add(ReadUser(reader));
        }

        return list;
    }

    public StoredUser? GetUser(string username)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT username, role, password_hash, created_ms, updated_ms FROM users WHERE username = $username";
        command.Parameters.AddWithValue("$username", username);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadUser(reader) : null;
    }

    public bool AddUser(StoredUser user)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (username, role, password_hash, created_ms, updated_ms) VALUES ($username, $role, $hash, $created, $updated)
            ON CONFLICT(username) DO NOTHING
            """;
        command.Parameters.AddWithValue("$username", user.Username);
        command.Parameters.AddWithValue("$role", user.Role);
        command.Parameters.AddWithValue("$hash", user.PasswordHash);
        command.Parameters.AddWithValue("$created", user.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updated", user.UpdatedAt.ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery() > 0;
    }

    public UserWriteResult UpdateUser(string username, string? role, string? passwordHash, DateTimeOffset updatedAt)
    {
        using var connection = Open();
        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the admin count below cannot change before the write.
        using var transaction = connection.BeginTransaction();
        var check = CheckLastAdmin(connection, transaction, username, leavesAdmin: role is not null && role != StoredUser.AdminRole);
        if (check != UserWriteResult.Done)
        {
            return check;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE users SET role = COALESCE($role, role), password_hash = COALESCE($hash, password_hash), updated_ms = $updated
            WHERE username = $username
            """;
        command.Parameters.AddWithValue("$username", username);
        command.Parameters.AddWithValue("$role", (object?)role ?? DBNull.Value);
        command.Parameters.AddWithValue("$hash", (object?)passwordHash ?? DBNull.Value);
        command.Parameters.AddWithValue("$updated", updatedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        transaction.Commit();
        return UserWriteResult.Done;
    }

    public UserWriteResult DeleteUser(string username)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var check = CheckLastAdmin(connection, transaction, username, leavesAdmin: true);
        if (check != UserWriteResult.Done)
        {
            return check;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM sessions WHERE username = $username; DELETE FROM users WHERE username = $username;";
        command.Parameters.AddWithValue("$username", username);
        command.ExecuteNonQuery();
        transaction.Commit();
        return UserWriteResult.Done;
    }

    /// <summary>NotFound, LastAdmin when <paramref name="username"/> is the only admin and is leaving the role, else Done.</summary>
    private static UserWriteResult CheckLastAdmin(SqliteConnection connection, SqliteTransaction transaction, string username, bool leavesAdmin)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT role, (SELECT COUNT(*) FROM users WHERE role = $admin) FROM users WHERE username = $username
            """;
        command.Parameters.AddWithValue("$username", username);
        command.Parameters.AddWithValue("$admin", StoredUser.AdminRole);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return UserWriteResult.NotFound;
        }

        return leavesAdmin && reader.GetString(0) == StoredUser.AdminRole && reader.GetInt64(1) <= 1 ? UserWriteResult.LastAdmin : UserWriteResult.Done;
    }

    private static StoredUser ReadUser(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));

    public void AddSession(StoredSession session)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        // Expired sessions are swept as new ones arrive, like Responses conversations.
        command.CommandText = """
            DELETE FROM sessions WHERE expires_ms < $now;
            INSERT INTO sessions (id, username, csrf_token, created_ms, last_seen_ms, expires_ms)
            VALUES ($id, $username, $csrf, $created, $lastSeen, $expires);
            """;
        command.Parameters.AddWithValue("$now", session.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", session.Id);
        command.Parameters.AddWithValue("$username", session.Username);
        command.Parameters.AddWithValue("$csrf", session.CsrfToken);
        command.Parameters.AddWithValue("$created", session.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$lastSeen", session.LastSeenAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", session.ExpiresAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public StoredSession? GetSession(string id, DateTimeOffset now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, username, csrf_token, created_ms, last_seen_ms, expires_ms FROM sessions WHERE id = $id AND expires_ms > $now
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new StoredSession(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));
    }

    public void TouchSession(string id, DateTimeOffset lastSeenAt, DateTimeOffset expiresAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE sessions SET last_seen_ms = $lastSeen, expires_ms = $expires WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$lastSeen", lastSeenAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public bool DeleteSession(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM sessions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery() > 0;
    }

    public int DeleteUserSessions(string username, string? exceptId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM sessions WHERE username = $username AND ($except IS NULL OR id <> $except)";
        command.Parameters.AddWithValue("$username", username);
        command.Parameters.AddWithValue("$except", (object?)exceptId ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }
}
