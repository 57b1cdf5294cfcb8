namespace Tollgate.Governance.Counters;

/// <summary>
/// Counters shared by every instance of a cluster, driven in batches so one request costs one round trip to admit and
/// one to settle, each atomic: an admission batch applies all its steps or none.
/// <code>
///   admit:  [gate enter, rate-limit takes (vk, team, customer), budget reserves] ──► all or none
///   settle: [gate exit, token corrections, budget settles]                       ──► applied as far as state exists
/// </code>
/// Implementations: Redis (Cluster/Redis), and per-instance counters for when Redis is down.
/// </summary>
internal interface IBatchCounters
{
    /// <summary>Applies an admission batch. Throws <see cref="CountersUnavailableException"/> when the counters cannot answer.</summary>
    ValueTask<CounterBatchResult> AdmitAsync(IReadOnlyList<CounterOp> ops, DateTimeOffset now);

    /// <summary>Applies a settlement batch to the counters that admitted it (<paramref name="local"/> from the admission).</summary>
    ValueTask SettleAsync(IReadOnlyList<CounterOp> ops, bool local, DateTimeOffset now);

    /// <summary>Creates a budget's state with the spend the durable store holds for its current window, unless it exists.</summary>
    ValueTask SeedBudgetAsync(string key, long windowStartMs, long windowEndMs, long spentNano, bool local);

    /// <summary>A budget's live state for the admin API, or null when the counters have none or cannot answer now.</summary>
    ValueTask<BudgetCounterState?> ReadBudgetAsync(string key, DateTimeOffset now);
}
