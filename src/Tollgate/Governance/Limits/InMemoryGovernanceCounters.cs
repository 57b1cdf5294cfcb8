using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Tollgate.Governance.Limits;

/// <summary>
/// Single-node counters in concurrent dictionaries. A lookup of an existing counter is one dictionary read and one
/// definition comparison; creation passes its arguments through <c>GetOrAdd</c>'s state parameter to static lambdas,
/// so no call allocates a closure.
/// </summary>
internal sealed class InMemoryGovernanceCounters : IGovernanceCounters
{
    private readonly ConcurrentDictionary<string, BudgetLedger> _budgets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBucket> _rateLimits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrencyGate> _gates = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public InMemoryGovernanceCounters(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    public BudgetLedger GetBudget(string id, BudgetDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!_budgets.TryGetValue(id, out var ledger))
        {
            ledger = _budgets.GetOrAdd(id, static (key, def) => new BudgetLedger(key, def), definition);
        }

        var current = ledger.Definition;
        if (!ReferenceEquals(current, definition) && !current.Equals(definition))
        {
            ledger.Update(definition, _time.GetUtcNow());
        }

        return ledger;
    }

    public bool TryGetBudget(string id, [NotNullWhen(true)] out BudgetLedger? ledger) => _budgets.TryGetValue(id, out ledger);

    public bool RemoveBudget(string id) => _budgets.TryRemove(id, out _);

    public IReadOnlyCollection<BudgetLedger> ListBudgets() => [.. _budgets.Values];

    public TokenBucket GetRateLimit(string id, RateLimitDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!_rateLimits.TryGetValue(id, out var bucket))
        {
            bucket = _rateLimits.GetOrAdd(
                id, static (key, arg) => new TokenBucket(key, arg.Definition, arg.Now), (Definition: definition, Now: _time.GetUtcNow()));
        }

        var current = bucket.Definition;
        if (!ReferenceEquals(current, definition) && !current.Equals(definition))
        {
            bucket.Update(definition, _time.GetUtcNow());
        }

        return bucket;
    }

    public bool TryGetRateLimit(string id, [NotNullWhen(true)] out TokenBucket? bucket) => _rateLimits.TryGetValue(id, out bucket);

    public bool RemoveRateLimit(string id) => _rateLimits.TryRemove(id, out _);

    public IReadOnlyCollection<TokenBucket> ListRateLimits() => [.. _rateLimits.Values];

    public ConcurrencyGate GetConcurrencyGate(string id, int maxInFlight)
    {
        if (!_gates.TryGetValue(id, out var gate))
        {
            gate = _gates.GetOrAdd(id, static (key, max) => new ConcurrencyGate(key, max), maxInFlight);
        }

        if (gate.MaxInFlight != maxInFlight)
        {
            gate.SetMaxInFlight(maxInFlight);
        }

        return gate;
    }

    public bool TryGetConcurrencyGate(string id, [NotNullWhen(true)] out ConcurrencyGate? gate) => _gates.TryGetValue(id, out gate);

    public bool RemoveConcurrencyGate(string id) => _gates.TryRemove(id, out _);

    public IReadOnlyCollection<ConcurrencyGate> ListConcurrencyGates() => [.. _gates.Values];
}
