using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Observability.RequestLogs.Rollup;
using Tollgate.Storage;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// The request log in PostgreSQL (<c>TOLLGATE_POSTGRES</c>), shared by every instance of a cluster. Batches go in by
/// binary COPY, one transaction each. Text columns use the "C" collation: byte order, the same as SQLite, cheaper to
/// compare, and the only order in which the request id prefix range (<c>q</c>) is a plain index range.
/// </summary>
internal sealed class PostgresRequestLogStore : RelationalRequestLogStore
{
    private const string Copy = "COPY request_logs (" + RequestLogSql.Columns + ") FROM STDIN (FORMAT BINARY)";

    private const string CopyContent = "COPY request_log_content (id, time_ms, request_body, response_body) FROM STDIN (FORMAT BINARY)";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresRequestLogStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        PostgresSchema.Migrate(dataSource, """
            CREATE TABLE IF NOT EXISTS request_logs (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT COLLATE "C" NOT NULL,
                time_ms BIGINT NOT NULL,
                endpoint TEXT COLLATE "C" NOT NULL,
                path TEXT COLLATE "C" NOT NULL,
                stream BOOLEAN NOT NULL,
                virtual_key_id TEXT COLLATE "C",
                virtual_key_name TEXT COLLATE "C",
                team_id TEXT COLLATE "C",
                customer_id TEXT COLLATE "C",
                provider TEXT COLLATE "C",
                model TEXT COLLATE "C",
                requested_model TEXT COLLATE "C",
                key_name TEXT COLLATE "C",
                status INTEGER NOT NULL,
                error_type TEXT COLLATE "C",
                error_code TEXT COLLATE "C",
                error_message TEXT,
                latency_ms DOUBLE PRECISION NOT NULL,
                ttft_ms DOUBLE PRECISION,
                upstream_ms DOUBLE PRECISION NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                cached_tokens INTEGER NOT NULL,
                estimated BOOLEAN NOT NULL,
                cost_nano BIGINT,
                attempts INTEGER NOT NULL,
                fallbacks INTEGER NOT NULL
            );
            ALTER TABLE request_logs ADD COLUMN IF NOT EXISTS cache TEXT COLLATE "C";
            ALTER TABLE request_logs ADD COLUMN IF NOT EXISTS cache_saved_nano BIGINT;
            CREATE TABLE IF NOT EXISTS request_log_content (
                id TEXT COLLATE "C" NOT NULL,
                time_ms BIGINT NOT NULL,
                request_body TEXT,
                response_body TEXT
            );
            """ + RequestLogIndexes.Postgres + RequestLogRollupSql.PostgresResetBeforeNewTable + RequestLogRollupSql.Ddl("BIGINT", "DOUBLE PRECISION", "TEXT COLLATE \"C\"", "BYTEA"));
    }

    protected override string ExplainPrefix => "EXPLAIN ";

    protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task AppendAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken = default)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in batch)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.Id, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Time.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.Endpoint, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.Path, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Stream, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.VirtualKeyId, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.VirtualKeyName, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.TeamId, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.CustomerId, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.Provider, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.Model, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.RequestedModel, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.KeyName, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Status, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.ErrorType, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.ErrorCode, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.ErrorMessage, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.LatencyMs, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                if (entry.TtftMs is { } ttft)
                {
                    await importer.WriteAsync(ttft, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(entry.UpstreamMs, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.PromptTokens, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.CompletionTokens, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.CachedTokens, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Estimated, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                if (entry.CostNano is { } cost)
                {
                    await importer.WriteAsync(cost, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(entry.Attempts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Fallbacks, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.Cache, cancellationToken).ConfigureAwait(false);
                if (entry.CacheSavedNano is { } saved)
                {
                    await importer.WriteAsync(saved, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (batch.Any(e => e.RequestBody is not null || e.ResponseBody is not null))
        {
            await using var importer = await connection.BeginBinaryImportAsync(CopyContent, cancellationToken).ConfigureAwait(false);
            foreach (var entry in batch)
            {
                if (entry.RequestBody is null && entry.ResponseBody is null)
                {
                    continue;
                }

                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.Id, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Time.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.RequestBody, cancellationToken).ConfigureAwait(false);
                await Text(importer, entry.ResponseBody, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await RequestLogRollupWriter.WriteAsync(connection, transaction, RequestLogRollup.Of(batch), lockRows: true, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool LockRollupRows => true;

    protected override async Task RunInWriteTransactionAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int chunk, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var sql in (string[])[
            "DELETE FROM request_log_content WHERE ctid = ANY(ARRAY(SELECT ctid FROM request_log_content WHERE time_ms < @cutoff LIMIT @chunk))",
            "DELETE FROM request_logs WHERE seq IN (SELECT seq FROM request_logs WHERE time_ms < @cutoff LIMIT @chunk)"])
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("cutoff", cutoff.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("chunk", chunk);
            deleted = Math.Max(deleted, await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));
        }

        await using (var rollup = new NpgsqlCommand(RequestLogRollupSql.DeleteMinutes + "; " + RequestLogRollupSql.DeleteHours, connection))
        {
            var cutoffMs = cutoff.ToUnixTimeMilliseconds();
            rollup.Parameters.AddWithValue("minute_cutoff", RequestLogRollup.Floor(cutoffMs, RequestLogRollup.MinuteMs));
            rollup.Parameters.AddWithValue("hour_cutoff", RequestLogRollup.Floor(cutoffMs, RequestLogRollup.HourMs));
            await rollup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>PostgreSQL text cannot hold NUL; a request or error text with one must not fail its whole batch.</summary>
    private static Task Text(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return importer.WriteNullAsync(cancellationToken);
        }

        return importer.WriteAsync(value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value, NpgsqlDbType.Text, cancellationToken);
    }
}
