using Npgsql;

namespace Tollgate.Storage;

/// <summary>The config store in PostgreSQL, for instances that share one database (cluster mode).</summary>
public sealed class PostgresGatewayStore : IGatewayStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SecretProtector _protector;

    public PostgresGatewayStore(NpgsqlDataSource dataSource, SecretProtector protector)
    {
        _dataSource = dataSource;
        _protector = protector;
        PostgresSchema.Migrate(dataSource, """
            CREATE TABLE IF NOT EXISTS providers (
                name TEXT PRIMARY KEY,
                config TEXT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            );
            CREATE TABLE IF NOT EXISTS settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS responses (
                id TEXT PRIMARY KEY,
                conversation TEXT NOT NULL,
                expires_ms BIGINT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_responses_expires ON responses (expires_ms);
            CREATE TABLE IF NOT EXISTS users (
                username TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                last_seen_ms BIGINT NOT NULL,
                expires_ms BIGINT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_sessions_username ON sessions (username);
            CREATE INDEX IF NOT EXISTS ix_sessions_expires ON sessions (expires_ms);
            """);
    }

    public IReadOnlyList<(string Name, string Json)> LoadProviders()
    {
        // COLLATE "C": byte order, as SQLite sorts, whatever collation the database was created with.
        using var command = _dataSource.CreateCommand("SELECT name, config FROM providers ORDER BY name COLLATE \"C\"");
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
        using var command = _dataSource.CreateCommand("""
            INSERT INTO providers (name, config, updated_at) VALUES (@name, @config, now())
            ON CONFLICT (name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("config", _protector.Protect(json));
        command.ExecuteNonQuery();
    }

    public bool DeleteProvider(string name)
    {
        using var command = _dataSource.CreateCommand("DELETE FROM providers WHERE name = @name");
        command.Parameters.AddWithValue("name", name);
        return command.ExecuteNonQuery() > 0;
    }

    public string? GetSetting(string key)
    {
        using var command = _dataSource.CreateCommand("SELECT value FROM settings WHERE key = @key");
        command.Parameters.AddWithValue("key", key);
        return command.ExecuteScalar() as string;
    }

    public void SetSetting(string key, string value)
    {
        using var command = _dataSource.CreateCommand("""
            INSERT INTO settings (key, value) VALUES (@key, @value)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("value", value);
        command.ExecuteNonQuery();
    }

    public async Task SaveResponseAsync(string id, string conversationJson, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Expired conversations are swept as new ones arrive; the index keeps that cheap. One round trip for both.
        await using var batch = _dataSource.CreateBatch();
        var sweep = new NpgsqlBatchCommand("DELETE FROM responses WHERE expires_ms < @now");
        sweep.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO responses (id, conversation, expires_ms) VALUES (@id, @conversation, @expires)
            ON CONFLICT (id) DO UPDATE SET conversation = excluded.conversation, expires_ms = excluded.expires_ms
            """);
        upsert.Parameters.AddWithValue("id", id);
        upsert.Parameters.AddWithValue("conversation", conversationJson);
        upsert.Parameters.AddWithValue("expires", expiresAt.ToUnixTimeMilliseconds());
        batch.BatchCommands.Add(sweep);
        batch.BatchCommands.Add(upsert);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> LoadResponseAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT conversation FROM responses WHERE id = @id AND expires_ms >= @now");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public IReadOnlyList<StoredUser> ListUsers()
    {
        using var command = _dataSource.CreateCommand(
            "SELECT username, role, password_hash, created_ms, updated_ms FROM users ORDER BY username COLLATE \"C\"");
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
        using var command = _dataSource.CreateCommand("SELECT username, role, password_hash, created_ms, updated_ms FROM users WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadUser(reader) : null;
    }

    public bool AddUser(StoredUser user)
    {
        using var command = _dataSource.CreateCommand("""
            INSERT INTO users (username, role, password_hash, created_ms, updated_ms) VALUES (@username, @role, @hash, @created, @updated)
            ON CONFLICT (username) DO NOTHING
            """);
        command.Parameters.AddWithValue("username", user.Username);
        command.Parameters.AddWithValue("role", user.Role);
        command.Parameters.AddWithValue("hash", user.PasswordHash);
        command.Parameters.AddWithValue("created", user.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("updated", user.UpdatedAt.ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery() > 0;
    }

    public UserWriteResult UpdateUser(string username, string? role, string? passwordHash, DateTimeOffset updatedAt)
    {
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var check = CheckLastAdmin(connection, transaction, username, leavesAdmin: role is not null && role != StoredUser.AdminRole);
        if (check != UserWriteResult.Done)
        {
            return check;
        }

        using var command = new NpgsqlCommand("""
            UPDATE users SET role = COALESCE(@role, role), password_hash = COALESCE(@hash, password_hash), updated_ms = @updated
            WHERE username = @username
            """, connection, transaction);
        command.Parameters.AddWithValue("username", username);
        command.Parameters.Add(new NpgsqlParameter<string?>("role", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = role });
        command.Parameters.Add(new NpgsqlParameter<string?>("hash", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = passwordHash });
        command.Parameters.AddWithValue("updated", updatedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        transaction.Commit();
        return UserWriteResult.Done;
    }

    public UserWriteResult DeleteUser(string username)
    {
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var check = CheckLastAdmin(connection, transaction, username, leavesAdmin: true);
        if (check != UserWriteResult.Done)
        {
            return check;
        }

        using var command = new NpgsqlCommand("DELETE FROM sessions WHERE username = @username; DELETE FROM users WHERE username = @username;", connection, transaction);
        command.Parameters.AddWithValue("username", username);
        command.ExecuteNonQuery();
        transaction.Commit();
        return UserWriteResult.Done;
    }

    /// <summary>
    /// NotFound, LastAdmin when <paramref name="username"/> is the only admin and is leaving the role, else Done. FOR UPDATE
    /// locks every admin row: a second instance demoting another admin at the same moment waits, then sees this
    /// transaction's result (a deleted row drops out, a changed role no longer matches) and counts again.
    /// </summary>
    private static UserWriteResult CheckLastAdmin(NpgsqlConnection connection, NpgsqlTransaction transaction, string username, bool leavesAdmin)
    {
        using var command = new NpgsqlCommand("SELECT username, role FROM users WHERE username = @username OR role = @admin FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("admin", StoredUser.AdminRole);
        using var reader = command.ExecuteReader();
        string? role = null;
        var admins = 0;
        while (reader.Read())
        {
            if (reader.GetString(0) == username)
            {
                role = reader.GetString(1);
            }

            if (reader.GetString(1) == StoredUser.AdminRole)
            {
                admins++;
            }
        }

        if (role is null)
        {
            return UserWriteResult.NotFound;
        }

        return leavesAdmin && role == StoredUser.AdminRole && admins <= 1 ? UserWriteResult.LastAdmin : UserWriteResult.Done;
    }

    private static StoredUser ReadUser(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));

    public void AddSession(StoredSession session)
    {
        using (var sweep = _dataSource.CreateCommand("DELETE FROM sessions WHERE expires_ms < @now"))
        {
            sweep.Parameters.AddWithValue("now", session.CreatedAt.ToUnixTimeMilliseconds());
            sweep.ExecuteNonQuery();
        }

        using var command = _dataSource.CreateCommand("""
            INSERT INTO sessions (id, username, csrf_token, created_ms, last_seen_ms, expires_ms)
            VALUES (@id, @username, @csrf, @created, @lastSeen, @expires)
            """);
        command.Parameters.AddWithValue("id", session.Id);
        command.Parameters.AddWithValue("username", session.Username);
        command.Parameters.AddWithValue("csrf", session.CsrfToken);
        command.Parameters.AddWithValue("created", session.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("lastSeen", session.LastSeenAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("expires", session.ExpiresAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public StoredSession? GetSession(string id, DateTimeOffset now)
    {
        using var command = _dataSource.CreateCommand("""
            SELECT id, username, csrf_token, created_ms, last_seen_ms, expires_ms FROM sessions WHERE id = @id AND expires_ms > @now
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
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
        using var command = _dataSource.CreateCommand("UPDATE sessions SET last_seen_ms = @lastSeen, expires_ms = @expires WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("lastSeen", lastSeenAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("expires", expiresAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public bool DeleteSession(string id)
    {
        using var command = _dataSource.CreateCommand("DELETE FROM sessions WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return command.ExecuteNonQuery() > 0;
    }

    public int DeleteUserSessions(string username, string? exceptId)
    {
        using var command = _dataSource.CreateCommand("DELETE FROM sessions WHERE username = @username AND (@except::text IS NULL OR id <> @except)");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.Add(new NpgsqlParameter<string?>("except", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = exceptId });
        return command.ExecuteNonQuery();
    }
}
