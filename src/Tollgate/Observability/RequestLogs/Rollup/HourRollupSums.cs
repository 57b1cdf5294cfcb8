namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// Additive sums of an hourly rollup row. Cost stays integer nano-USD, as in the rows, so a report from the rollup is
/// the exact sum a report from the rows gives. <see cref="Attempted"/> counts requests that reached an upstream (the ones
/// that have a usage record).
/// </summary>
internal struct HourRollupSums
{
    public long Requests;
    public long Attempted;
    public long Errors;
    public long PromptTokens;
    public long CompletionTokens;
    public long CachedTokens;
    public long CostNano;
    public long Estimated;

    public void Add(RequestLogEntry entry)
    {
        Requests++;
        Attempted += entry.Attempts > 0 ? 1 : 0;
        Errors += entry.Status >= 400 ? 1 : 0;
        PromptTokens += entry.PromptTokens;
        CompletionTokens += entry.CompletionTokens;
        CachedTokens += entry.CachedTokens;
        CostNano += entry.CostNano ?? 0;
        Estimated += entry.Estimated ? 1 : 0;
    }

    public void Add(in HourRollupSums other)
    {
        Requests += other.Requests;
        Attempted += other.Attempted;
        Errors += other.Errors;
        PromptTokens += other.PromptTokens;
        CompletionTokens += other.CompletionTokens;
        CachedTokens += other.CachedTokens;
        CostNano += other.CostNano;
        Estimated += other.Estimated;
    }
}
