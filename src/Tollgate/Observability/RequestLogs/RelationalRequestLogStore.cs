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

    /// <summary>The plan of the stats query (benchmarks).</summary>
    public async Task<string> ExplainStatsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = StatsCommand(connection, filter with { From = from, To = to });
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

        // One pass over the range's rows, aggregated here: buckets, the latency histogram and the per-model breakdown
        // together. Three GROUP BY queries would each walk the same index range and fetch the same rows again.
        var sums = new BucketSums[count];
        var histogram = new LatencyHistogram();
        var models = new Dictionary<(string?, string?), ModelSums>();
        await using (var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = StatsCommand(connection, ranged))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var index = (reader.GetInt64(0) - startMs) / intervalMs;
                if (index < 0 || index >= count)
                {
                    continue;
                }

                var error = reader.GetInt32(1) >= 400 ? 1 : 0;
                long prompt = reader.GetInt32(2);
                long completion = reader.GetInt32(3);
                var cost = reader.IsDBNull(4) ? 0 : reader.GetInt64(4);
                var latency = reader.GetDouble(5);
                ref var bucket = ref sums[index];
                bucket.Requests++;
                bucket.Errors += error;
                bucket.PromptTokens += prompt;
                bucket.CompletionTokens += completion;
                bucket.CostNano += cost;
                bucket.LatencySum += latency;
                bucket.MaxLatency = Math.Max(bucket.MaxLatency, latency);
                if (!reader.IsDBNull(6))
                {
                    bucket.TtftSum += reader.GetDouble(6);
                    bucket.TtftCount++;
                }

                histogram.Add(latency);
                var key = (reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8));
                ref var modelSums = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(models, key, out _);
                modelSums.Requests++;
                modelSums.Errors += error;
                modelSums.PromptTokens += prompt;
                modelSums.CompletionTokens += completion;
                modelSums.CostNano += cost;
            }
        }

        var top = models
            .OrderByDescending(m => m.Value.Requests)
            .ThenBy(m => m.Key.Item1, StringComparer.Ordinal)
            .ThenBy(m => m.Key.Item2, StringComparer.Ordinal)
            .Take(MaxTopModels)
            .Select(m => new RequestLogModelStats(m.Key.Item1, m.Key.Item2, m.Value.Requests, m.Value.Errors, m.Value.PromptTokens,
                m.Value.CompletionTokens, CostCalculator.FromNanoUsd(m.Value.CostNano)))
            .ToList();

        var buckets = new List<RequestLogStatsBucket>(count);
        var total = default(BucketSums);
        for (var i = 0; i < count; i++)
        {
            var s = sums[i];
            buckets.Add(new RequestLogStatsBucket(DateTimeOffset.FromUnixTimeMilliseconds(startMs + (i * intervalMs)), s.Requests, s.Errors,
                s.PromptTokens, s.CompletionTokens, CostCalculator.FromNanoUsd(s.CostNano), Average(s.LatencySum, s.Requests), s.MaxLatency,
                Average(s.TtftSum, s.TtftCount)));
            total.Requests += s.Requests;
            total.Errors += s.Errors;
            total.PromptTokens += s.PromptTokens;
            total.CompletionTokens += s.CompletionTokens;
            total.CostNano += s.CostNano;
            total.LatencySum += s.LatencySum;
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

    private static DbCommand StatsCommand(DbConnection connection, RequestLogFilter ranged)
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder(
            "SELECT time_ms, status, prompt_tokens, completion_tokens, cost_nano, latency_ms, ttft_ms, provider, model FROM request_logs");
        RequestLogSql.AppendWhere(sql, command, ranged);
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

    private static double Average(double sum, long count) => count == 0 ? 0 : Math.Round(sum / count, 3);

    private struct BucketSums
    {
        public long Requests;
        public long Errors;
        public long PromptTokens;
        public long CompletionTokens;
        public long CostNano;
        public double LatencySum;
        public double MaxLatency;
        public double TtftSum;
        public long TtftCount;
    }

    private struct ModelSums
    {
        public long Requests;
        public long Errors;
        public long PromptTokens;
        public long CompletionTokens;
        public long CostNano;
    }
}
