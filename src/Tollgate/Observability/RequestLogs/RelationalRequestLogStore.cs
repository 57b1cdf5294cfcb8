using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Tollgate.Governance.Pricing;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// The queries of <see cref="IRequestLogStore"/> over ADO.NET, shared by SQLite and PostgreSQL; a backend supplies its
/// connections, schema, insert path and retention delete.
/// </summary>
internal abstract class RelationalRequestLogStore : IRequestLogStore
{
    public const int MaxTopModels = 10;

    /// <summary>A connection for reads (SQLite: never the writer's, so a long export does not hold up writes).</summary>
    protected abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>What goes before a query to see its plan (<c>EXPLAIN QUERY PLAN</c> or <c>EXPLAIN</c>).</summary>
    protected abstract string ExplainPrefix { get; }

    public abstract Task AppendAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken = default);

    public abstract Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int chunk, CancellationToken cancellationToken = default);

    public async Task<RequestLogPage> ListAsync(RequestLogFilter filter, RequestLogCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = ListCommand(connection, filter, after, limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<RequestLogEntry>(Math.Min(limit, 512));
        RequestLogCursor? next = null;
        long lastSeq = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entries.Count == limit)
            {
                // One row beyond the page proves there is a next page; no COUNT needed.
                var last = entries[^1];
                next = new RequestLogCursor(last.Time.ToUnixTimeMilliseconds(), lastSeq);
                break;
            }

            lastSeq = RequestLogSql.ReadSeq(reader);
            entries.Add(RequestLogSql.ReadEntry(reader));
        }

        return new RequestLogPage(entries, next);
    }

    public async Task<string> ExplainListAsync(RequestLogFilter filter, RequestLogCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = ListCommand(connection, filter, after, limit + 1);
        command.CommandText = ExplainPrefix + command.CommandText;
        return await ReadPlanAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The plan of the stats bucket query (benchmarks).</summary>
    public async Task<string> ExplainStatsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = BucketCommand(connection, filter with { From = from, To = to }, from.ToUnixTimeMilliseconds(), 300_000L);
        command.CommandText = ExplainPrefix + command.CommandText;
        return await ReadPlanAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RequestLogEntry?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // The newest row if a client reused a request id; content joined by id, as it is stored apart from the row.
        command.CommandText = RequestLogSql.Select + " WHERE id = @id" + RequestLogSql.OrderNewestFirst + " LIMIT 1";
        RequestLogSql.Add(command, "@id", id);
        RequestLogEntry entry;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            entry = RequestLogSql.ReadEntry(reader);
        }

        await using var content = connection.CreateCommand();
        content.CommandText = "SELECT request_body, response_body FROM request_log_content WHERE id = @id AND time_ms = @time LIMIT 1";
        RequestLogSql.Add(content, "@id", id);
        RequestLogSql.Add(content, "@time", entry.Time.ToUnixTimeMilliseconds());
        await using (var reader = await content.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entry = entry with
                {
                    RequestBody = reader.IsDBNull(0) ? null : reader.GetString(0),
                    ResponseBody = reader.IsDBNull(1) ? null : reader.GetString(1),
                };
            }
        }

        return entry;
    }

    public async IAsyncEnumerable<RequestLogEntry> ExportAsync(RequestLogFilter filter, int maxRows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = ListCommand(connection, filter, after: null, maxRows);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return RequestLogSql.ReadEntry(reader);
        }
    }

    public async Task<RequestLogStats> StatsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, int intervalSeconds, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalSeconds, 1);
        var intervalMs = intervalSeconds * 1000L;
        // Buckets on multiples of the interval (whole minutes, hours, days in UTC), so charts line up across requests.
        var startMs = Math.DivRem(from.ToUnixTimeMilliseconds(), intervalMs, out var remainder) * intervalMs - (remainder < 0 ? intervalMs : 0);
        var endMs = to.ToUnixTimeMilliseconds();
        var count = (int)Math.Max(0, (endMs - startMs + intervalMs - 1) / intervalMs);
        var ranged = filter with { From = from, To = to };

        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sums = new BucketSums[count];
        await using (var command = BucketCommand(connection, ranged, startMs, intervalMs))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var index = reader.GetInt64(0);
                if (index < 0 || index >= count)
                {
                    continue;
                }

                sums[index] = new BucketSums(reader.GetInt64(1), GetLong(reader, 2), GetLong(reader, 3), GetLong(reader, 4), GetLong(reader, 5),
                    GetDouble(reader, 6), GetDouble(reader, 7), GetDouble(reader, 8), GetLong(reader, 9));
            }
        }

        // Percentiles need every latency: only that one column crosses into .NET. Buckets and the model breakdown stay
        // GROUP BYs, which SQLite runs far faster in C than a reader loop can (1M rows, 24 h stats: 113 ms against 407 ms
        // when all columns were read and summed here; bench/results/2026-11-23-logs.md).
        var histogram = new LatencyHistogram();
        await using (var command = connection.CreateCommand())
        {
            var sql = new StringBuilder("SELECT latency_ms FROM request_logs");
            RequestLogSql.AppendWhere(sql, command, ranged);
            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                histogram.Add(reader.GetDouble(0));
            }
        }

        var top = new List<RequestLogModelStats>(MaxTopModels);
        await using (var command = connection.CreateCommand())
        {
            var sql = new StringBuilder("""
                SELECT provider, model, COUNT(*) AS requests, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
                    CAST(SUM(prompt_tokens) AS BIGINT), CAST(SUM(completion_tokens) AS BIGINT), CAST(SUM(cost_nano) AS BIGINT)
                FROM request_logs
                """);
            RequestLogSql.AppendWhere(sql, command, ranged);
            sql.Append(" GROUP BY provider, model ORDER BY requests DESC, provider, model LIMIT ").Append(MaxTopModels);
            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                top.Add(new RequestLogModelStats(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetInt64(2), GetLong(reader, 3), GetLong(reader, 4), GetLong(reader, 5), CostCalculator.FromNanoUsd(GetLong(reader, 6))));
            }
        }

        var buckets = new List<RequestLogStatsBucket>(count);
        var total = default(BucketSums);
        double maxLatency = 0;
        for (var i = 0; i < count; i++)
        {
            var s = sums[i];
            buckets.Add(new RequestLogStatsBucket(DateTimeOffset.FromUnixTimeMilliseconds(startMs + (i * intervalMs)), s.Requests, s.Errors,
                s.PromptTokens, s.CompletionTokens, CostCalculator.FromNanoUsd(s.CostNano), Average(s.LatencySum, s.Requests), s.MaxLatency,
                Average(s.TtftSum, s.TtftCount)));
            total = new BucketSums(total.Requests + s.Requests, total.Errors + s.Errors, total.PromptTokens + s.PromptTokens,
                total.CompletionTokens + s.CompletionTokens, total.CostNano + s.CostNano, total.LatencySum + s.LatencySum, 0, 0, 0);
            maxLatency = Math.Max(maxLatency, s.MaxLatency);
        }

        var totals = new RequestLogStatsTotals(total.Requests, total.Errors, total.PromptTokens, total.CompletionTokens,
            CostCalculator.FromNanoUsd(total.CostNano), Average(total.LatencySum, total.Requests), histogram.Percentile(0.50), histogram.Percentile(0.95));
        return new RequestLogStats(intervalSeconds, from, to, buckets, totals, top);
    }

    private static DbCommand ListCommand(DbConnection connection, RequestLogFilter filter, RequestLogCursor? after, int limit)
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder(RequestLogSql.Select);
        RequestLogSql.AppendWhere(sql, command, filter, after);
        sql.Append(RequestLogSql.OrderNewestFirst).Append(" LIMIT @limit");
        RequestLogSql.Add(command, "@limit", limit);
        command.CommandText = sql.ToString();
        return command;
    }

    private static DbCommand BucketCommand(DbConnection connection, RequestLogFilter ranged, long startMs, long intervalMs)
    {
        var command = connection.CreateCommand();
        // Sums rather than averages, so the totals are exact sums of the buckets.
        var sql = new StringBuilder("""
            SELECT (time_ms - @bucket_start) / @bucket_ms AS bucket, COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
                CAST(SUM(prompt_tokens) AS BIGINT), CAST(SUM(completion_tokens) AS BIGINT), CAST(SUM(cost_nano) AS BIGINT),
                SUM(latency_ms), MAX(latency_ms), SUM(ttft_ms), COUNT(ttft_ms)
            FROM request_logs
            """);
        RequestLogSql.AppendWhere(sql, command, ranged);
        sql.Append(" GROUP BY bucket");
        RequestLogSql.Add(command, "@bucket_start", startMs);
        RequestLogSql.Add(command, "@bucket_ms", intervalMs);
        command.CommandText = sql.ToString();
        return command;
    }

    private static async Task<string> ReadPlanAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var plan = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // SQLite: (id, parent, notused, detail); PostgreSQL: one text column per line.
            plan.AppendLine(reader.GetString(reader.FieldCount - 1));
        }

        return plan.ToString().TrimEnd();
    }

    private static long GetLong(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    private static double GetDouble(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetDouble(ordinal);

    private static double Average(double sum, long count) => count == 0 ? 0 : Math.Round(sum / count, 3);

    private readonly record struct BucketSums(long Requests, long Errors, long PromptTokens, long CompletionTokens, long CostNano,
        double LatencySum, double MaxLatency, double TtftSum, long TtftCount);
}
