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

    public void SaveResponse(string id, string conversationJson, DateTimeOffset expiresAt)
    {
        using (var sweep = _dataSource.CreateCommand("DELETE FROM responses WHERE expires_ms < @now"))
        {
            sweep.Parameters.AddWithValue("now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            sweep.ExecuteNonQuery();
        }

        using var command = _dataSource.CreateCommand("""
            INSERT INTO responses (id, conversation, expires_ms) VALUES (@id, @conversation, @expires)
            ON CONFLICT (id) DO UPDATE SET conversation = excluded.conversation, expires_ms = excluded.expires_ms
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("conversation", conversationJson);
        command.Parameters.AddWithValue("expires", expiresAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public string? LoadResponse(string id, DateTimeOffset now)
    {
        using var command = _dataSource.CreateCommand("SELECT conversation FROM responses WHERE id = @id AND expires_ms >= @now");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
        return command.ExecuteScalar() as string;
    }
}
