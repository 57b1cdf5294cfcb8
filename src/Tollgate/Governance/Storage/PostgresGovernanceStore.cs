using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Governance.Usage;
using Tollgate.Storage;

namespace Tollgate.Governance.Storage;

/// <summary>
/// Governance entities and usage records in PostgreSQL, shared by every instance of a cluster. The schema mirrors the
/// SQLite one; documents stay TEXT rather than JSONB so whatever one backend stores, the other stores byte for byte
/// (JSONB would reorder keys and reject a <c>\u0000</c> escape that SQLite accepts).
/// </summary>
internal sealed class PostgresGovernanceStore : IGovernanceStore
{
    private const string CopyUsage = """
        COPY usage_records (request_id, time_ms, virtual_key_id, team_id, customer_id, provider, model, key_name, status,
            prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, cost_nano, estimated)
        FROM STDIN (FORMAT BINARY)
        """;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresGovernanceStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        PostgresSchema.Migrate(dataSource, """
            CREATE TABLE IF NOT EXISTS governance_entities (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (kind, id)
            );
            CREATE TABLE IF NOT EXISTS usage_records (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                request_id TEXT NOT NULL,
                time_ms BIGINT NOT NULL,
                virtual_key_id TEXT,
                team_id TEXT,
                customer_id TEXT,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                key_name TEXT,
                status INTEGER NOT NULL,
                prompt_tokens BIGINT NOT NULL,
                completion_tokens BIGINT NOT NULL,
                cached_tokens BIGINT NOT NULL,
                cache_write_tokens BIGINT NOT NULL,
                cost_nano BIGINT,
                estimated BOOLEAN NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_usage_time ON usage_records (time_ms);
            """ + UsageIndexes.Partial);
    }

    public GovernanceConfig LoadEntities()
    {
        // One round trip for every kind. COLLATE "C": byte order, as SQLite sorts, whatever the database's collation.
        using var command = _dataSource.CreateCommand("SELECT kind, data FROM governance_entities ORDER BY kind COLLATE \"C\", id COLLATE \"C\"");
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
        using var command = _dataSource.CreateCommand("""
            INSERT INTO governance_entities (kind, id, data) VALUES (@kind, @id, @data)
            ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data
            """);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("data", JsonSerializer.Serialize(entity, type));
        command.ExecuteNonQuery();
    }

    public bool Delete(string kind, string id)
    {
        using var command = _dataSource.CreateCommand("DELETE FROM governance_entities WHERE kind = @kind AND id = @id");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("id", id);
        return command.ExecuteNonQuery() > 0;
    }

    public void Append(IReadOnlyList<UsageRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        try
        {
            Copy(records);
        }
        catch (NpgsqlException ex)
        {
            throw new IOException($"Writing {records.Count} usage records to PostgreSQL failed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Binary COPY: one statement streamed in one go for the whole batch (no per-row round trip, no SQL text to parse),
    /// and atomic: a COPY that fails inserts nothing, so the writer's retry never double-counts part of a batch.
    /// </summary>
    private void Copy(IReadOnlyList<UsageRecord> records)
    {
        using var connection = _dataSource.OpenConnection();
        using var importer = connection.BeginBinaryImport(CopyUsage);
        foreach (var record in records)
        {
            importer.StartRow();
            importer.Write(record.RequestId, NpgsqlDbType.Text);
            importer.Write(record.Time.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
            WriteNullable(importer, record.VirtualKeyId);
            WriteNullable(importer, record.TeamId);
            WriteNullable(importer, record.CustomerId);
            importer.Write(record.Provider, NpgsqlDbType.Text);
            importer.Write(record.Model, NpgsqlDbType.Text);
            WriteNullable(importer, record.KeyName);
            importer.Write(record.Status, NpgsqlDbType.Integer);
            importer.Write((long)record.PromptTokens, NpgsqlDbType.Bigint);
            importer.Write((long)record.CompletionTokens, NpgsqlDbType.Bigint);
            importer.Write((long)record.CachedTokens, NpgsqlDbType.Bigint);
            importer.Write((long)record.CacheWriteTokens, NpgsqlDbType.Bigint);
            if (record.CostNano is { } cost)
            {
                importer.Write(cost, NpgsqlDbType.Bigint);
            }
            else
            {
                importer.WriteNull();
            }

            importer.Write(record.Estimated, NpgsqlDbType.Boolean);
        }

        importer.Complete();
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }

    public long SpendSince(DateTimeOffset since, IReadOnlyCollection<string> virtualKeyIds, IReadOnlyCollection<string> teamIds, IReadOnlyCollection<string> customerIds)
    {
        if (virtualKeyIds.Count + teamIds.Count + customerIds.Count == 0)
        {
            return 0;
        }

        // One WHERE with OR: a record matching by key and by team is still one row, so it is summed once. The time bound
        // sits inside each branch so each can use its (id, time_ms) index; an empty array matches nothing. SUM(bigint)
        // is numeric in PostgreSQL, hence the cast back.
        using var command = _dataSource.CreateCommand("""
            SELECT COALESCE(SUM(cost_nano), 0)::bigint FROM usage_records
            WHERE (virtual_key_id = ANY(@vks) AND time_ms >= @since)
               OR (team_id = ANY(@teams) AND time_ms >= @since)
               OR (customer_id = ANY(@customers) AND time_ms >= @since)
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("vks", [.. virtualKeyIds]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("teams", [.. teamIds]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("customers", [.. customerIds]));
        command.Parameters.Add(new NpgsqlParameter<long>("since", since.ToUnixTimeMilliseconds()));
        return (long)command.ExecuteScalar()!;
    }

    public List<UsageRow> Aggregate(string groupBy, bool byDay, DateTimeOffset from, DateTimeOffset to, string? teamId = null)
    {
        var team = teamId is null ? "" : " AND team_id = @team";
        var column = UsageGrouping.Column(groupBy);
        // Integer seconds, as SQLite's strftime(..., time_ms / 1000, 'unixepoch') sees them, so both put a record in the same day.
        var day = byDay ? "to_char(to_timestamp(time_ms / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : "NULL::text";
        var groups = byDay ? "1, 2" : "1";
        // The outer query only orders: SQLite sorts nulls first and bytewise, and the report should read the same on both.
        using var command = _dataSource.CreateCommand($"""
            SELECT k, d, requests, prompt, completion, cached, cost, estimated FROM (
                SELECT {column} AS k, {day} AS d, COUNT(*) AS requests, SUM(prompt_tokens)::bigint AS prompt,
                       SUM(completion_tokens)::bigint AS completion, SUM(cached_tokens)::bigint AS cached,
                       COALESCE(SUM(cost_nano), 0)::bigint AS cost, COUNT(*) FILTER (WHERE estimated) AS estimated
                FROM usage_records WHERE time_ms >= @from AND time_ms < @to{team}
                GROUP BY {groups}
            ) g
            ORDER BY d COLLATE "C" NULLS FIRST, k COLLATE "C" NULLS FIRST
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("from", from.ToUnixTimeMilliseconds()));
        command.Parameters.Add(new NpgsqlParameter<long>("to", to.ToUnixTimeMilliseconds()));
        if (teamId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("team", teamId));
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
}
