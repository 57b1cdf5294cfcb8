using Tollgate.Governance.Limits;

namespace Tollgate.Governance.Counters;

/// <summary>
/// The answer to an admission batch: every step applied, or none. <see cref="Denied"/> is the index of the first step
/// that refused (-1 when all passed); <see cref="MissingBudget"/> the index of a budget the store has no state for yet
/// (its spend must be seeded from the durable store, then the batch retried).
/// </summary>
/// <param name="Decisions">Per step: the token-bucket decision for <see cref="CounterOpKind.Take"/> and
/// <see cref="CounterOpKind.Peek"/> steps evaluated (default otherwise).</param>
/// <param name="DeniedUsedNano">For a refused <see cref="CounterOpKind.Reserve"/>: spent plus reserved at refusal.</param>
/// <param name="Local">True when per-instance counters answered because the shared ones are unreachable.</param>
internal sealed record CounterBatchResult(int Denied, int MissingBudget, RateLimitDecision[] Decisions, long DeniedUsedNano, bool Local)
{
    public bool Allowed => Denied < 0 && MissingBudget < 0;
}
