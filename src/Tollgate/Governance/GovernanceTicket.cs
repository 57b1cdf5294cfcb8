using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;

namespace Tollgate.Governance;

/// <summary>What admission took for one call (reservations, rate-limit tokens, a concurrency slot), returned at settlement.</summary>
internal sealed class GovernanceTicket
{
    public static readonly GovernanceTicket None = new();

    public VirtualKey? Key { get; init; }

    public string? TeamId { get; init; }

    public string? CustomerId { get; init; }

    public ModelPrice? Price { get; init; }

    public BudgetLedger[] Ledgers { get; init; } = [];

    public long ReservedNano { get; init; }

    public DateTimeOffset ReservedAt { get; init; }

    public TokenBucket[] TokenBuckets { get; init; } = [];

    /// <summary>Tokens taken from <see cref="TokenBuckets"/> at admission (the input estimate), corrected at settlement.</summary>
    public long TokensTaken { get; init; }

    public int EstimatedInputTokens { get; init; }

    public ConcurrencyGate? Gate { get; init; }

    /// <summary>In cluster mode: the admission batch the shared counters applied (settled as one batch).</summary>
    public Counters.SharedAdmission? Shared { get; init; }
}
