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

    public void SaveResponse(string id, string conversationJson, DateTimeOffset expiresAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        // Expired conversations are swept as new ones arrive; the index keeps that cheap.
        command.CommandText = """
            DELETE FROM responses WHERE expires_ms < $now;
            INSERT INTO responses (id, conversation, expires_ms) VALUES ($id, $conversation, $expires)
            ON CONFLICT(id) DO UPDATE SET conversation = excluded.conversation, expires_ms = excluded.expires_ms;
            """;
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$conversation", conversationJson);
        command.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public string? LoadResponse(string id, DateTimeOffset now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT conversation FROM responses WHERE id = $id AND expires_ms >= $now";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return command.ExecuteScalar() as string;
    }
}
