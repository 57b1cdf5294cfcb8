using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;
using Tollgate.Governance.Usage;
using Tollgate.Storage;

namespace Tollgate.Governance.Storage;

/// <summary>Governance entities and usage records in the embedded SQLite file the config store opened.</summary>
internal sealed class SqliteGovernanceStore : IGovernanceStore
{
    private readonly string _connectionString;

    public SqliteGovernanceStore(SqliteGatewayStore store)
    {
        _connectionString = store.ConnectionString;
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS governance_entities (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (kind, id)
            );
            CREATE TABLE IF NOT EXISTS usage_records (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                request_id TEXT NOT NULL,
                time_ms INTEGER NOT NULL,
                virtual_key_id TEXT,
                team_id TEXT,
                customer_id TEXT,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                key_name TEXT,
                status INTEGER NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                cached_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                cost_nano INTEGER,
                estimated INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_usage_time ON usage_records (time_ms);
            """ + UsageIndexes.Partial;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public GovernanceConfig LoadEntities()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, data FROM governance_entities ORDER BY kind, id";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return GovernanceDocuments.ToConfig(rows);
    }

    public void Save<T>(string kind, string id, T entity, JsonTypeInfo<T> type)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO governance_entities (kind, id, data) VALUES ($kind, $id, $data)
            ON CONFLICT(kind, id) DO UPDATE SET data = excluded.data
            """;
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$data", JsonSerializer.Serialize(entity, type));
        command.ExecuteNonQuery();
    }

    public bool Delete(string kind, string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM governance_entities WHERE kind = $kind AND id = $id";
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery() > 0;
    }

    public void Append(IReadOnlyList<UsageRecord> records)
    {
        try
        {
            AppendInTransaction(records);
        }
        catch (DbException ex)
        {
            throw new IOException($"Writing {records.Count} usage records to SQLite failed: {ex.Message}", ex);
        }
    }

    private void AppendInTransaction(IReadOnlyList<UsageRecord> records)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        // Prepared once per batch and bound through SQLite directly: no per-row parameter objects or boxing (see SqliteBatchInsert).
        using var insert = new Tollgate.Storage.SqliteBatchInsert(connection, """
            INSERT INTO usage_records (request_id, time_ms, virtual_key_id, team_id, customer_id, provider, model, key_name, status,
                prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, cost_nano, estimated)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """);
        foreach (var record in records)
        {
            insert.Text(1, record.RequestId);
            insert.Int64(2, record.Time.ToUnixTimeMilliseconds());
            insert.Text(3, record.VirtualKeyId);
            insert.Text(4, record.TeamId);
            insert.Text(5, record.CustomerId);
            insert.Text(6, record.Provider);
            insert.Text(7, record.Model);
            insert.Text(8, record.KeyName);
            insert.Int64(9, record.Status);
            insert.Int64(10, record.PromptTokens);
            insert.Int64(11, record.CompletionTokens);
            insert.Int64(12, record.CachedTokens);
            insert.Int64(13, record.CacheWriteTokens);
            insert.Int64(14, record.CostNano);
            insert.Int64(15, record.Estimated ? 1 : 0);
            insert.Step();
        }

        transaction.Commit();
    }

    public long SpendSince(DateTimeOffset since, IReadOnlyCollection<string> virtualKeyIds, IReadOnlyCollection<string> teamIds, IReadOnlyCollection<string> customerIds)
    {
        if (virtualKeyIds.Count + teamIds.Count + customerIds.Count == 0)
        {
            return 0;
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        var conditions = new List<string>();
        AddIn(command, conditions, "virtual_key_id", "vk", virtualKeyIds);
        AddIn(command, conditions, "team_id", "team", teamIds);
        AddIn(command, conditions, "customer_id", "customer", customerIds);
        // A UNION of one branch per column (each reading its partial index): a record matching by key and by team is
        // still one row (its seq), so it is summed once.
        var branches = conditions.Select(condition => $"SELECT seq, cost_nano FROM usage_records WHERE time_ms >= $since AND {condition}");
        command.CommandText = $"SELECT COALESCE(SUM(cost_nano), 0) FROM ({string.Join(" UNION ", branches)})";
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public List<UsageRow> Aggregate(string groupBy, bool byDay, DateTimeOffset from, DateTimeOffset to, string? teamId = null)
    {
        var team = teamId is null ? "" : " AND team_id = $team";
        var column = UsageGrouping.Column(groupBy);
        var day = byDay ? "strftime('%Y-%m-%d', time_ms / 1000, 'unixepoch')" : "NULL";
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {column} AS k, {day} AS d, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(cached_tokens),
                   COALESCE(SUM(cost_nano), 0), SUM(estimated)
            FROM usage_records WHERE time_ms >= $from AND time_ms < $to{team}
            GROUP BY k, d ORDER BY d, k
            """;
        command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        if (teamId is not null)
        {
            command.Parameters.AddWithValue("$team", teamId);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<UsageRow>();
        while (reader.Read())
        {
            rows.Add(new UsageRow(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7)));
        }

        return rows;
    }

    private static void AddIn(SqliteCommand command, List<string> conditions, string column, string prefix, IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var names = new List<string>();
        var i = 0;
        foreach (var id in ids)
        {
            var name = $"${prefix}{i++}";
            names.Add(name);
            command.Parameters.AddWithValue(name, id);
        }

        conditions.Add($"{column} IN ({string.Join(", ", names)})");
    }
}
