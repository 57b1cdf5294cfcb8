namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// The whole range. Percentiles come from a log-scale histogram of every matching latency (1% wide buckets), so they are
/// within 1% of the exact value while memory stays constant however many rows the range holds.
/// </summary>
internal sealed record RequestLogStatsTotals(
    long Requests,
    long Errors,
    long PromptTokens,
    long CompletionTokens,
    decimal CostUsd,
    double AvgLatencyMs,
    double P50LatencyMs,
    double P95LatencyMs);
