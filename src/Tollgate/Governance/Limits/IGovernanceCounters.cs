using System.Diagnostics.CodeAnalysis;

namespace Tollgate.Governance.Limits;

/// <summary>
/// Where budgets, rate limits and concurrency gates keep their counters: in memory on one node
/// (<see cref="InMemoryGovernanceCounters"/>), in Redis in cluster mode. Counters are found by string id (the config's
/// <c>budget_id</c>, <c>rate_limit_id</c>, ...; the caller chooses ids, e.g. <c>rl-1:requests</c> and
/// <c>rl-1:tokens</c> for a rate limit with both limits) and created on first use.
/// <para>
/// The <c>Get</c> methods take the current definition on every call: when it differs from the one the counter has,
/// the counter is updated in place and keeps its spend or consumption, because admins edit limits on live budgets.
/// Pass the same definition instance from the config snapshot and the check is a reference comparison.
/// </para>
/// </summary>
public interface IGovernanceCounters
{
    BudgetLedger GetBudget(string id, BudgetDefinition definition);

    bool TryGetBudget(string id, [NotNullWhen(true)] out BudgetLedger? ledger);

    bool RemoveBudget(string id);

    /// <summary>A copy of the current ledgers, for the admin API (allocates; not for the hot path).</summary>
    IReadOnlyCollection<BudgetLedger> ListBudgets();

    TokenBucket GetRateLimit(string id, RateLimitDefinition definition);

    bool TryGetRateLimit(string id, [NotNullWhen(true)] out TokenBucket? bucket);

    bool RemoveRateLimit(string id);

    IReadOnlyCollection<TokenBucket> ListRateLimits();

    ConcurrencyGate GetConcurrencyGate(string id, int maxInFlight);

    bool TryGetConcurrencyGate(string id, [NotNullWhen(true)] out ConcurrencyGate? gate);

    bool RemoveConcurrencyGate(string id);

    IReadOnlyCollection<ConcurrencyGate> ListConcurrencyGates();
}
