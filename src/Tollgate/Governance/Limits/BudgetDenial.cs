namespace Tollgate.Governance.Limits;

/// <summary>Why a reservation was refused, with what an error message and a retry hint need.</summary>
/// <param name="BudgetId">The budget that refused (with multi-level budgets, the first that did).</param>
/// <param name="SpentAndReservedNano">Settled spend plus outstanding reservations when the call was refused.</param>
/// <param name="RequestedNano">The worst-case cost the refused call asked to reserve.</param>
/// <param name="ResetsAt">End of the current window, when spend resets.</param>
public readonly record struct BudgetDenial(
    string BudgetId,
    long LimitNano,
    long SpentAndReservedNano,
    long RequestedNano,
    DateTimeOffset ResetsAt);
