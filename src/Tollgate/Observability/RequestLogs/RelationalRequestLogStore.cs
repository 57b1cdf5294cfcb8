using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Tollgate.Governance.Pricing;
using Tollgate.Observability.RequestLogs.Rollup;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// The queries of <see cref="IRequestLogStore"/> over ADO.NET, shared by SQLite and PostgreSQL; a backend supplies its
/// connections, schema, insert path and retention delete.
/// </summary>
internal abstract class RelationalRequestLogStore : IRequestLogStore
{
    public const int MaxTopModels = 10;

    private bool _rollupReady;

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

    /// <summary>
    /// Every entry with a time in [<paramref name="from"/>, <paramref name="to"/>), oldest first, read as enumerated;
    /// with <paramref name="includeContent"/> the bodies too (scheduled exports).
    /// </summary>
    public async IAsyncEnumerable<RequestLogEntry> ReadWindowAsync(DateTimeOffset from, DateTimeOffset to, bool includeContent,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var columns = "r.seq, " + string.Join(", ", RequestLogSql.Columns.Split(", ").Select(c => "r." + c));
        command.CommandText = includeContent
            ? $"SELECT {columns}, c.request_body, c.response_body FROM request_logs r LEFT JOIN request_log_content c ON c.id = r.id AND c.time_ms = r.time_ms " +
              "WHERE r.time_ms >= @from AND r.time_ms < @to ORDER BY r.time_ms, r.seq"
            : $"SELECT {columns} FROM request_logs r WHERE r.time_ms >= @from AND r.time_ms < @to ORDER BY r.time_ms, r.seq";
        RequestLogSql.Add(command, "@from", from.ToUnixTimeMilliseconds());
        RequestLogSql.Add(command, "@to", to.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var bodies = RequestLogSql.ColumnCount + 1;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return includeContent
                ? RequestLogSql.ReadEntry(reader, reader.IsDBNull(bodies) ? null : reader.GetString(bodies), reader.IsDBNull(bodies + 1) ? null : reader.GetString(bodies + 1))
                : RequestLogSql.ReadEntry(reader);
        }
    }

    public async Task<RequestLogStats> StatsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, int intervalSeconds, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalSeconds, 1);
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Whole-hour buckets come from the stats hours (unfiltered or one owner/provider/model), whole-minute buckets of
        // unfiltered stats from the minutes; anything else (or the backfill still running) reads the rows, which every
        // selective filter's index keeps fast over a day.
        var source = StatsSource.Rows;
        var scope = StatsHourScope.Of(filter);
        if (await IsRollupReadyAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            source = intervalSeconds % 3600 == 0 && scope is not null ? StatsSource.Hours
                : intervalSeconds % 60 == 0 && IsUnfiltered(filter) ? StatsSource.Minutes
                : StatsSource.Rows;
        }

        return await StatsAsync(connection, filter, scope, from, to, intervalSeconds, source, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stats from the rows alone, never the rollup (benchmarks: the figure before the rollup, in the same run).</summary>
    public async Task<RequestLogStats> StatsFromRowsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, int intervalSeconds, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await StatsAsync(connection, filter, null, from, to, intervalSeconds, StatsSource.Rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stats from the minutes (unfiltered) or the rows, never the stats hours (benchmarks: the figure before them).</summary>
    public async Task<RequestLogStats> StatsWithoutHoursAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, int intervalSeconds, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        var source = IsUnfiltered(filter) && intervalSeconds % 60 == 0 && await IsRollupReadyAsync(connection, cancellationToken).ConfigureAwait(false)
            ? StatsSource.Minutes
            : StatsSource.Rows;
        return await StatsAsync(connection, filter, null, from, to, intervalSeconds, source, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsUnfiltered(RequestLogFilter filter) => filter with { From = null, To = null } == RequestLogFilter.None;

    private static async Task<RequestLogStats> StatsAsync(DbConnection connection, RequestLogFilter filter, StatsHourScope? scope, DateTimeOffset from, DateTimeOffset to,
        int intervalSeconds, StatsSource source, CancellationToken cancellationToken)
    {
        var intervalMs = intervalSeconds * 1000L;
        // Buckets on multiples of the interval (whole minutes, hours, days in UTC), so charts line up across requests.
        var startMs = RequestLogRollup.Floor(from.ToUnixTimeMilliseconds(), intervalMs);
        var fromMs = from.ToUnixTimeMilliseconds();
        var endMs = to.ToUnixTimeMilliseconds();
        var count = (int)Math.Max(0, (endMs - startMs + intervalMs - 1) / intervalMs);
        var parts = new StatsParts(startMs, intervalMs, new BucketSums[count]);
        switch (source)
        {
            case StatsSource.Hours:
                await AddHourPathAsync(connection, filter, scope!, fromMs, endMs, parts, cancellationToken).ConfigureAwait(false);
                break;
            case StatsSource.Minutes:
                await AddMinutePathAsync(connection, fromMs, endMs, parts, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await AddRowsAsync(connection, filter, fromMs, endMs, parts, withModels: true, cancellationToken).ConfigureAwait(false);
                break;
        }

        var buckets = new List<RequestLogStatsBucket>(count);
        var total = default(BucketSums);
        for (var i = 0; i < count; i++)
        {
            var s = parts.Sums[i];
            buckets.Add(new RequestLogStatsBucket(DateTimeOffset.FromUnixTimeMilliseconds(startMs + (i * intervalMs)), s.Requests, s.Errors,
                s.PromptTokens, s.CompletionTokens, CostCalculator.FromNanoUsd(s.CostNano), Average(s.LatencySum, s.Requests), s.MaxLatency,
                Average(s.TtftSum, s.TtftCount)));
            total.Add(s);
        }

        var histogram = parts.Histogram;
        var totals = new RequestLogStatsTotals(total.Requests, total.Errors, total.PromptTokens, total.CompletionTokens,
            CostCalculator.FromNanoUsd(total.CostNano), Average(total.LatencySum, total.Requests), histogram.Percentile(0.50), histogram.Percentile(0.95));
        List<RequestLogModelStats> top = [.. parts.Models
            .OrderByDescending(m => m.Value.Requests).ThenBy(m => m.Key.Provider, StringComparer.Ordinal).ThenBy(m => m.Key.Model, StringComparer.Ordinal)
            .Take(MaxTopModels)
            .Select(m => new RequestLogModelStats(NullIfEmpty(m.Key.Provider), NullIfEmpty(m.Key.Model), m.Value.Requests, m.Value.Errors,
                m.Value.PromptTokens, m.Value.CompletionTokens, CostCalculator.FromNanoUsd(m.Value.CostNano)))];
        return new RequestLogStats(intervalSeconds, from, to, buckets, totals, top);
    }

    /// <summary>
    /// Whole hours from the stats hours; the partial hours at either end from the minutes and rows (unfiltered) or the
    /// rows (a filter's index reads at most an hour of them at each end).
    /// </summary>
    private static async Task AddHourPathAsync(DbConnection connection, RequestLogFilter filter, StatsHourScope scope, long fromMs, long toMs, StatsParts parts,
        CancellationToken cancellationToken)
    {
        var hourStart = RequestLogRollup.Ceiling(fromMs, RequestLogRollup.HourMs);
        var hourEnd = RequestLogRollup.Floor(toMs, RequestLogRollup.HourMs);
        (long From, long To)[] edges = [(fromMs, toMs)];
        if (hourEnd > hourStart)
        {
            await AddStatsHoursAsync(connection, scope, hourStart, hourEnd, parts, cancellationToken).ConfigureAwait(false);
            edges = [(fromMs, hourStart), (hourEnd, toMs)];
        }

        foreach (var (edgeFrom, edgeTo) in edges)
        {
            if (IsUnfiltered(filter))
            {
                await AddMinutePathAsync(connection, edgeFrom, edgeTo, parts, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await AddRowsAsync(connection, filter, edgeFrom, edgeTo, parts, withModels: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Unfiltered: whole minutes from the minutes, the partial minutes at either end from the rows; the top models from
    /// the hourly rows for whole hours and the rows for the rest.
    /// </summary>
    private static async Task AddMinutePathAsync(DbConnection connection, long fromMs, long toMs, StatsParts parts, CancellationToken cancellationToken)
    {
        if (fromMs >= toMs)
        {
            return;
        }

        var minuteStart = RequestLogRollup.Ceiling(fromMs, RequestLogRollup.MinuteMs);
        var minuteEnd = RequestLogRollup.Floor(toMs, RequestLogRollup.MinuteMs);
        (long From, long To)[] rowRanges = [(fromMs, toMs)];
        if (minuteEnd > minuteStart)
        {
            await AddMinutesAsync(connection, minuteStart, minuteEnd, parts, cancellationToken).ConfigureAwait(false);
            rowRanges = [(fromMs, minuteStart), (minuteEnd, toMs)];
        }

        foreach (var (rangeFrom, rangeTo) in rowRanges)
        {
            await AddRowsAsync(connection, RequestLogFilter.None, rangeFrom, rangeTo, parts, withModels: false, cancellationToken).ConfigureAwait(false);
        }

        var hourStart = RequestLogRollup.Ceiling(fromMs, RequestLogRollup.HourMs);
        var hourEnd = RequestLogRollup.Floor(toMs, RequestLogRollup.HourMs);
        (long From, long To)[] modelRanges = [(fromMs, toMs)];
        if (hourEnd > hourStart)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT k1, k2, SUM(requests), SUM(errors), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_nano)
                FROM request_log_hours WHERE dim = @dim AND hour_ms >= @from_hour AND hour_ms < @to_hour GROUP BY k1, k2
                """;
            RequestLogSql.Add(command, "@dim", (long)RollupDimension.Model);
            RequestLogSql.Add(command, "@from_hour", hourStart);
            RequestLogSql.Add(command, "@to_hour", hourEnd);
            await ReadModelsAsync(command, parts.Models, cancellationToken).ConfigureAwait(false);
            modelRanges = [(fromMs, hourStart), (hourEnd, toMs)];
        }

        foreach (var (rangeFrom, rangeTo) in modelRanges)
        {
            await AddRowModelsAsync(connection, RequestLogFilter.None, rangeFrom, rangeTo, parts.Models, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Buckets, latencies and (<paramref name="withModels"/>) the model breakdown of the rows in [from, to) matching the filter.</summary>
    private static async Task AddRowsAsync(DbConnection connection, RequestLogFilter filter, long fromMs, long toMs, StatsParts parts, bool withModels,
        CancellationToken cancellationToken)
    {
        if (fromMs >= toMs)
        {
            return;
        }

        var ranged = filter with { From = DateTimeOffset.FromUnixTimeMilliseconds(fromMs), To = DateTimeOffset.FromUnixTimeMilliseconds(toMs) };
        await AddRowBucketsAsync(connection, ranged, parts.StartMs, parts.IntervalMs, parts.Sums, cancellationToken).ConfigureAwait(false);
        await AddRowLatenciesAsync(connection, ranged, parts.Histogram, cancellationToken).ConfigureAwait(false);
        if (withModels)
        {
            await AddRowModelsAsync(connection, filter, fromMs, toMs, parts.Models, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AddRowBucketsAsync(DbConnection connection, RequestLogFilter ranged, long startMs, long intervalMs, BucketSums[] sums, CancellationToken cancellationToken)
    {
        await using var command = BucketCommand(connection, ranged, startMs, intervalMs);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var index = reader.GetInt64(0);
            if (index >= 0 && index < sums.Length)
            {
                sums[index].Add(new BucketSums(reader.GetInt64(1), GetLong(reader, 2), GetLong(reader, 3), GetLong(reader, 4), GetLong(reader, 5),
                    GetDouble(reader, 6), GetDouble(reader, 7), GetDouble(reader, 8), GetLong(reader, 9)));
            }
        }
    }

    /// <summary>
    /// Percentiles need every latency: only that one column crosses into .NET. Buckets and the model breakdown stay
    /// GROUP BYs, which SQLite runs far faster in C than a reader loop can (1M rows, 24 h stats: 113 ms against 407 ms
    /// when all columns were read and summed here; bench/results/2026-11-23-logs.md).
    /// </summary>
    private static async Task AddRowLatenciesAsync(DbConnection connection, RequestLogFilter ranged, LatencyHistogram histogram, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT latency_ms FROM request_logs");
        RequestLogSql.AppendWhere(sql, command, ranged);
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            histogram.Add(reader.GetDouble(0));
        }
    }

    /// <summary>The rollup's minutes in [<paramref name="fromMinute"/>, <paramref name="toMinute"/>): each lies wholly in one bucket.</summary>
    private static async Task AddMinutesAsync(DbConnection connection, long fromMinute, long toMinute, StatsParts parts, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = RequestLogRollupSql.SelectMinutes + " WHERE minute_ms >= @from_minute AND minute_ms < @to_minute";
        RequestLogSql.Add(command, "@from_minute", fromMinute);
        RequestLogSql.Add(command, "@to_minute", toMinute);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            parts.Add(reader.GetInt64(0), reader, 1);
        }
    }

    /// <summary>The stats hours of <paramref name="scope"/> in [<paramref name="fromHour"/>, <paramref name="toHour"/>), each wholly in one bucket.</summary>
    private static async Task AddStatsHoursAsync(DbConnection connection, StatsHourScope scope, long fromHour, long toHour, StatsParts parts, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT hour_ms, provider, model, ").Append(RequestLogRollupSql.MinuteColumns)
            .Append(" FROM request_log_stats_hours WHERE dim = @dim AND k1 = @k1 AND hour_ms >= @from_hour AND hour_ms < @to_hour");
        RequestLogSql.Add(command, "@dim", (long)scope.Dimension);
        RequestLogSql.Add(command, "@k1", scope.K1);
        RequestLogSql.Add(command, "@from_hour", fromHour);
        RequestLogSql.Add(command, "@to_hour", toHour);
        if (scope.Provider is { } provider)
        {
            sql.Append(" AND provider = @provider");
            RequestLogSql.Add(command, "@provider", provider);
        }

        if (scope.Model is { } model)
        {
            sql.Append(" AND model = @model");
            RequestLogSql.Add(command, "@model", model);
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            parts.Add(reader.GetInt64(0), reader, 3);
            CollectionsMarshal.GetValueRefOrAddDefault(parts.Models, (reader.GetString(1), reader.GetString(2)), out _).Add(new HourRollupSums
            {
                Requests = reader.GetInt64(3),
                Errors = reader.GetInt64(4),
                PromptTokens = reader.GetInt64(5),
                CompletionTokens = reader.GetInt64(6),
                CostNano = reader.GetInt64(7),
            });
        }
    }

    private static async Task AddRowModelsAsync(DbConnection connection, RequestLogFilter filter, long fromMs, long toMs,
        Dictionary<(string Provider, string Model), HourRollupSums> models, CancellationToken cancellationToken)
    {
        if (fromMs >= toMs)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("""
            SELECT provider, model, COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
                CAST(SUM(prompt_tokens) AS BIGINT), CAST(SUM(completion_tokens) AS BIGINT), CAST(SUM(cost_nano) AS BIGINT)
            FROM request_logs
            """);
        RequestLogSql.AppendWhere(sql, command, filter with { From = DateTimeOffset.FromUnixTimeMilliseconds(fromMs), To = DateTimeOffset.FromUnixTimeMilliseconds(toMs) });
        command.CommandText = sql.Append(" GROUP BY provider, model").ToString();
        await ReadModelsAsync(command, models, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadModelsAsync(DbCommand command, Dictionary<(string Provider, string Model), HourRollupSums> models, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = (reader.IsDBNull(0) ? "" : reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1));
            CollectionsMarshal.GetValueRefOrAddDefault(models, key, out _).Add(new HourRollupSums
            {
                Requests = GetLong(reader, 2),
                Errors = GetLong(reader, 3),
                PromptTokens = GetLong(reader, 4),
                CompletionTokens = GetLong(reader, 5),
                CostNano = GetLong(reader, 6),
            });
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>True once the rows from before the rollup existed are in it (cached once true: it never goes back).</summary>
    protected async ValueTask<bool> IsRollupReadyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _rollupReady))
        {
            return true;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = RequestLogRollupSql.SelectState;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ready = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(1) >= reader.GetInt64(0);
        if (ready)
        {
            Volatile.Write(ref _rollupReady, true);
        }

        return ready;
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction, serialised with the batch writes (backfill chunks).</summary>
    protected abstract Task RunInWriteTransactionAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken);

    /// <summary>PostgreSQL locks rollup rows it merges (several instances write); SQLite's one writer needs no lock.</summary>
    protected abstract bool LockRollupRows { get; }

    /// <summary>
    /// Rolls up the next <paramref name="chunk"/> rows of those that predate the rollup, in one transaction with the
    /// checkpoint, so a crash mid-backfill resumes where it stopped without counting a row twice. False when done.
    /// </summary>
    public async Task<bool> BackfillRollupAsync(int chunk, CancellationToken cancellationToken = default)
    {
        var more = false;
        await RunInWriteTransactionAsync(async (connection, transaction) =>
        {
            long through, done;
            await using (var state = connection.CreateCommand())
            {
                state.Transaction = transaction;
                state.CommandText = RequestLogRollupSql.SelectState + (LockRollupRows ? " FOR UPDATE" : "");
                await using var reader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                (through, done) = (reader.GetInt64(0), reader.GetInt64(1));
            }

            if (done >= through)
            {
                return;
            }

            var rollup = new RequestLogRollup();
            var rows = 0;
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = RequestLogSql.Select + " WHERE seq > @done AND seq <= @through ORDER BY seq LIMIT @chunk";
                RequestLogSql.Add(select, "@done", done);
                RequestLogSql.Add(select, "@through", through);
                RequestLogSql.Add(select, "@chunk", chunk);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rollup.LastSeq = RequestLogSql.ReadSeq(reader);
                    rollup.Add(RequestLogSql.ReadEntry(reader));
                    rows++;
                }
            }

            await RequestLogRollupWriter.WriteAsync(connection, transaction, rollup, LockRollupRows, cancellationToken).ConfigureAwait(false);
            var newDone = rows < chunk ? through : rollup.LastSeq;
            await using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = "UPDATE request_log_rollup_state SET done_seq = @done WHERE id = 1";
                RequestLogSql.Add(update, "@done", newDone);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            more = newDone < through;
        }, cancellationToken).ConfigureAwait(false);
        return more;
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

    private enum StatsSource
    {
        Rows,
        Minutes,
        Hours,
    }

    /// <summary>What a stats query adds up from its sources: the buckets, the latency histogram, the model breakdown.</summary>
    private sealed class StatsParts(long startMs, long intervalMs, BucketSums[] sums)
    {
        public long StartMs { get; } = startMs;

        public long IntervalMs { get; } = intervalMs;

        public BucketSums[] Sums { get; } = sums;

        public LatencyHistogram Histogram { get; } = new();

        public Dictionary<(string Provider, string Model), HourRollupSums> Models { get; } = [];

        /// <summary>Adds a rollup row starting at <paramref name="timeMs"/> whose <see cref="RequestLogRollupSql.MinuteColumns"/> begin at <paramref name="first"/>.</summary>
        public void Add(long timeMs, DbDataReader reader, int first)
        {
            var index = (timeMs - StartMs) / IntervalMs;
            if (index >= 0 && index < Sums.Length)
            {
                Sums[index].Add(new BucketSums(reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetInt64(first + 2), reader.GetInt64(first + 3),
                    reader.GetInt64(first + 4), reader.GetDouble(first + 5), reader.GetDouble(first + 6), reader.GetDouble(first + 7), reader.GetInt64(first + 8)));
            }

            if (!reader.IsDBNull(first + 9))
            {
                Histogram.Merge((byte[])reader.GetValue(first + 9));
            }
        }
    }

    private struct BucketSums(long requests, long errors, long promptTokens, long completionTokens, long costNano,
        double latencySum, double maxLatency, double ttftSum, long ttftCount)
    {
        public long Requests = requests;
        public long Errors = errors;
        public long PromptTokens = promptTokens;
        public long CompletionTokens = completionTokens;
        public long CostNano = costNano;
        public double LatencySum = latencySum;
        public double MaxLatency = maxLatency;
        public double TtftSum = ttftSum;
        public long TtftCount = ttftCount;

        public void Add(in BucketSums other)
        {
            Requests += other.Requests;
            Errors += other.Errors;
            PromptTokens += other.PromptTokens;
            CompletionTokens += other.CompletionTokens;
            CostNano += other.CostNano;
            LatencySum += other.LatencySum;
            MaxLatency = Math.Max(MaxLatency, other.MaxLatency);
            TtftSum += other.TtftSum;
            TtftCount += other.TtftCount;
        }
    }
}
