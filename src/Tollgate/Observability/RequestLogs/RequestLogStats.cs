namespace Tollgate.Observability.RequestLogs;

/// <summary>The dashboard's aggregates over a time range (<c>GET /api/logs/stats</c>).</summary>
internal sealed record RequestLogStats(
    int IntervalSeconds,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<RequestLogStatsBucket> Buckets,
    RequestLogStatsTotals Totals,
    IReadOnlyList<RequestLogModelStats> TopModels);
