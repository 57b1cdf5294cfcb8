namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// The request log's storage: one row per request, content kept apart so the list never reads it. Designed for millions
/// of rows: the list pages by keyset (no OFFSET, no COUNT), and every single filter has an index that also orders by time.
/// </summary>
internal interface IRequestLogStore
{
    /// <summary>Writes a batch atomically: all of it or, on an exception, none of it.</summary>
    Task AppendAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="after"/>, newest first, without content.</summary>
    Task<RequestLogPage> ListAsync(RequestLogFilter filter, RequestLogCursor? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The entry with this request id, with its content; null when there is none.</summary>
    Task<RequestLogEntry?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Matching entries newest first, read as they are enumerated (never all in memory), without content.</summary>
    IAsyncEnumerable<RequestLogEntry> ExportAsync(RequestLogFilter filter, int maxRows, CancellationToken cancellationToken = default);

    /// <summary>Buckets of <paramref name="intervalSeconds"/> over [from, to), totals with latency percentiles, top models.</summary>
    Task<RequestLogStats> StatsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, int intervalSeconds, CancellationToken cancellationToken = default);

    /// <summary>Deletes at most <paramref name="chunk"/> entries older than <paramref name="cutoff"/> (and their content); returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int chunk, CancellationToken cancellationToken = default);

    /// <summary>The database's plan for the list query (benchmarks check that it uses an index).</summary>
    Task<string> ExplainListAsync(RequestLogFilter filter, RequestLogCursor? after, int limit, CancellationToken cancellationToken = default);
}
