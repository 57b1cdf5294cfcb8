namespace Tollgate.Observability.RequestLogs;

/// <summary>One interval of the stats; averages are 0 for an interval without requests (every interval is listed).</summary>
internal sealed record RequestLogStatsBucket(
    DateTimeOffset Time,
    long Requests,
    long Errors,
    long PromptTokens,
    long CompletionTokens,
    decimal CostUsd,
    double AvgLatencyMs,
    double MaxLatencyMs,
    double AvgTtftMs);
