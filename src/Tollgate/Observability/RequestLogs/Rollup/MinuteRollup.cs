namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// Everything the stats need from one minute (or one stats hour): sums for the buckets and totals, and the latency histogram
/// for the percentiles (merged histograms give exactly the percentile the rows would).
/// </summary>
internal sealed class MinuteRollup
{
    public long Requests;
    public long Errors;
    public long PromptTokens;
    public long CompletionTokens;
    public long CostNano;
    public double LatencySum;
    public double LatencyMax;
    public double TtftSum;
    public long TtftCount;

    public LatencyHistogram Histogram { get; } = new();

    public void Add(RequestLogEntry entry)
    {
        Requests++;
        Errors += entry.Status >= 400 ? 1 : 0;
        PromptTokens += entry.PromptTokens;
        CompletionTokens += entry.CompletionTokens;
        CostNano += entry.CostNano ?? 0;
        LatencySum += entry.LatencyMs;
        LatencyMax = Math.Max(LatencyMax, entry.LatencyMs);
        if (entry.TtftMs is { } ttft)
        {
            TtftSum += ttft;
            TtftCount++;
        }

        Histogram.Add(entry.LatencyMs);
    }

    /// <summary>Adds a stored row's values (read back in the writer's transaction before it is rewritten).</summary>
    public void Add(long requests, long errors, long promptTokens, long completionTokens, long costNano, double latencySum, double latencyMax,
        double ttftSum, long ttftCount, ReadOnlySpan<byte> histogram)
    {
        Requests += requests;
        Errors += errors;
        PromptTokens += promptTokens;
        CompletionTokens += completionTokens;
        CostNano += costNano;
        LatencySum += latencySum;
        LatencyMax = Math.Max(LatencyMax, latencyMax);
        TtftSum += ttftSum;
        TtftCount += ttftCount;
        Histogram.Merge(histogram);
    }
}
