using System.Data.Common;
using Microsoft.Data.Sqlite;
using Tollgate.Observability.RequestLogs.Rollup;
using Tollgate.Storage;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// The request log in its own SQLite file (<c>logs.db</c> in the data directory), apart from the config store so a
/// large log never slows config reads or backups. WAL lets readers work while the single writer connection appends
/// one transaction per batch through prepared multi-row inserts; <c>synchronous=NORMAL</c> is durable across process
/// crashes and can lose only the last batches on a power cut, which a log may.
/// </summary>
internal sealed class SqliteRequestLogStore : RelationalRequestLogStore, IDisposable
{
    public const string FileName = "logs.db";

    private static readonly string Ddl = """
        CREATE TABLE IF NOT EXISTS request_logs (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            endpoint TEXT NOT NULL,
            path TEXT NOT NULL,
            stream INTEGER NOT NULL,
            virtual_key_id TEXT,
            virtual_key_name TEXT,
            team_id TEXT,
            customer_id TEXT,
            provider TEXT,
            model TEXT,
            requested_model TEXT,
            key_name TEXT,
            status INTEGER NOT NULL,
            error_type TEXT,
            error_code TEXT,
            error_message TEXT,
            latency_ms REAL NOT NULL,
            ttft_ms REAL,
            upstream_ms REAL NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cached_tokens INTEGER NOT NULL,
            estimated INTEGER NOT NULL,
            cost_nano INTEGER,
            attempts INTEGER NOT NULL,
            fallbacks INTEGER NOT NULL,
            cache TEXT,
            cache_saved_nano INTEGER
        );
        CREATE TABLE IF NOT EXISTS request_log_content (
            id TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            request_body TEXT,
            response_body TEXT
        );
        """ + RequestLogIndexes.Sqlite + RequestLogRollupSql.Ddl("INTEGER", "REAL", "TEXT", "BLOB", " WITHOUT ROWID");

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteBatchInsert? _insert;
    private SqliteCommand? _insertContent;

    public SqliteRequestLogStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            // Private cache: a shared cache would serialise readers and the writer on table locks and undo WAL's point.
            Cache = SqliteCacheMode.Private,
        }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        using var command = _writer.CreateCommand();
        command.CommandText = $"""
            SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{RequestLogRollupSql.StatsHoursTable}') = 0
               AND (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'request_log_rollup_state') = 1
            """;
        var resetRollup = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
        command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " + Ddl;
        command.ExecuteNonQuery();
        if (resetRollup)
        {
            // The one writer is this connection, not started yet: nothing can write between the reset and the checkpoint.
            using var transaction = _writer.BeginTransaction();
            command.Transaction = transaction;
            command.CommandText = RequestLogRollupSql.ResetForNewTable;
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        AddCacheColumns(_writer);
    }

    /// <summary>Logs written before the response cache (issue 19) lack its two columns; SQLite has no ADD COLUMN IF NOT EXISTS.</summary>
    private static void AddCacheColumns(SqliteConnection connection)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('request_logs') WHERE name = 'cache'";
        if (Convert.ToInt64(probe.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        using var alter = connection.CreateCommand();
        alter.CommandText = "ALTER TABLE request_logs ADD COLUMN cache TEXT; ALTER TABLE request_logs ADD COLUMN cache_saved_nano INTEGER;";
        alter.ExecuteNonQuery();
    }

    public string ConnectionString => _connectionString;

    protected override string ExplainPrefix => "EXPLAIN QUERY PLAN ";

    protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public override async Task AppendAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken = default)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await BlockingStorageWork.Run(() => Append(batch)).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Append(IReadOnlyList<RequestLogEntry> batch)
    {
        using var transaction = _writer.BeginTransaction();
        // One prepared statement for the writer's lifetime, bound through SQLite directly: Microsoft.Data.Sqlite's
        // parameters allocate a binder per value and box every number, 27 columns for every request served.
        var insert = _insert ??= new SqliteBatchInsert(_writer, InsertSql);
        foreach (var entry in batch)
        {
            Bind(insert, entry);
            insert.Step();
        }

        foreach (var entry in batch)
        {
            if (entry.RequestBody is null && entry.ResponseBody is null)
            {
                continue;
            }

            var content = _insertContent ??= Prepare(
                "INSERT INTO request_log_content (id, time_ms, request_body, response_body) VALUES (@p0, @p1, @p2, @p3)", 4);
            content.Transaction = transaction;
            content.Parameters[0].Value = entry.Id;
            content.Parameters[1].Value = entry.Time.ToUnixTimeMilliseconds();
            content.Parameters[2].Value = (object?)entry.RequestBody ?? DBNull.Value;
            content.Parameters[3].Value = (object?)entry.ResponseBody ?? DBNull.Value;
            content.ExecuteNonQuery();
        }

        // Microsoft.Data.Sqlite's async calls complete synchronously, so waiting here blocks nothing more than the
        // synchronous calls above (this runs on the blocking-work thread).
        RequestLogRollupWriter.WriteAsync(_writer, transaction, RequestLogRollup.Of(batch), lockRows: false, CancellationToken.None).GetAwaiter().GetResult();
        transaction.Commit();
    }

    public override async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int chunk, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction();
            var deleted = 0;
            foreach (var sql in (string[])[
                "DELETE FROM request_log_content WHERE rowid IN (SELECT rowid FROM request_log_content WHERE time_ms < @cutoff LIMIT @chunk)",
                "DELETE FROM request_logs WHERE seq IN (SELECT seq FROM request_logs WHERE time_ms < @cutoff LIMIT @chunk)"])
            {
                using var command = _writer.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                command.Parameters.AddWithValue("@cutoff", cutoff.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("@chunk", chunk);
                deleted = Math.Max(deleted, command.ExecuteNonQuery());
            }

            DeleteRollup(transaction, cutoff);

            transaction.Commit();
            return deleted;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void DeleteRollup(SqliteTransaction transaction, DateTimeOffset cutoff)
    {
        using var command = _writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = RequestLogRollupSql.DeleteMinutes + "; " + RequestLogRollupSql.DeleteHours;
        var cutoffMs = cutoff.ToUnixTimeMilliseconds();
        command.Parameters.AddWithValue("@minute_cutoff", RequestLogRollup.Floor(cutoffMs, RequestLogRollup.MinuteMs));
        command.Parameters.AddWithValue("@hour_cutoff", RequestLogRollup.Floor(cutoffMs, RequestLogRollup.HourMs));
        command.ExecuteNonQuery();
    }

    protected override bool LockRollupRows => false;

    protected override async Task RunInWriteTransactionAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await BlockingStorageWork.Run(() =>
            {
                using var transaction = _writer.BeginTransaction();
                work(_writer, transaction).GetAwaiter().GetResult();
                transaction.Commit();
            }).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteCommand Prepare(string sql, int parameterCount)
    {
        var command = _writer.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameterCount; i++)
        {
            command.Parameters.Add(new SqliteParameter("@p" + i, null));
        }

        return command;
    }

    private static readonly string InsertSql = "INSERT INTO request_logs (" + RequestLogSql.Columns + ") VALUES ("
        + string.Join(", ", Enumerable.Range(1, RequestLogSql.ColumnCount).Select(i => "?" + i)) + ")";

    /// <summary>The values of one entry in <see cref="RequestLogSql.Columns"/> order (positions are 1-based).</summary>
    private static void Bind(SqliteBatchInsert insert, RequestLogEntry entry)
    {
        insert.Text(1, entry.Id);
        insert.Int64(2, entry.Time.ToUnixTimeMilliseconds());
        insert.Text(3, entry.Endpoint);
        insert.Text(4, entry.Path);
        insert.Int64(5, entry.Stream ? 1 : 0);
        insert.Text(6, entry.VirtualKeyId);
        insert.Text(7, entry.VirtualKeyName);
        insert.Text(8, entry.TeamId);
        insert.Text(9, entry.CustomerId);
        insert.Text(10, entry.Provider);
        insert.Text(11, entry.Model);
        insert.Text(12, entry.RequestedModel);
        insert.Text(13, entry.KeyName);
        insert.Int64(14, entry.Status);
        insert.Text(15, entry.ErrorType);
        insert.Text(16, entry.ErrorCode);
        insert.Text(17, entry.ErrorMessage);
        insert.Double(18, entry.LatencyMs);
        insert.Double(19, entry.TtftMs);
        insert.Double(20, entry.UpstreamMs);
        insert.Int64(21, entry.PromptTokens);
        insert.Int64(22, entry.CompletionTokens);
        insert.Int64(23, entry.CachedTokens);
        insert.Int64(24, entry.Estimated ? 1 : 0);
        insert.Int64(25, entry.CostNano);
        insert.Int64(26, entry.Attempts);
        insert.Int64(27, entry.Fallbacks);
        insert.Text(28, entry.Cache);
        insert.Int64(29, entry.CacheSavedNano);
    }

    public void Dispose()
    {
        _insert?.Dispose();
        _insertContent?.Dispose();
        _writer.Dispose();
        _writeLock.Dispose();
    }
}
