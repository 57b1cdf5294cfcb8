namespace Tollgate.Governance.Limits;

/// <summary>
/// A read-only view of one budget's current window, for the admin API, headers and persistence. Amounts are nano-USD.
/// The fields are read without stopping concurrent calls, so under load they may be a few nanoseconds apart.
/// </summary>
/// <param name="RemainingNano">
/// <c>Limit - Spent - Reserved</c>, floored at 0: a call whose actual cost exceeded its reservation can push spend
/// past the limit, and "-3 cents remaining" helps nobody (<see cref="SpentNano"/> shows the overrun).
/// </param>
public readonly record struct BudgetSnapshot(
    long LimitNano,
    long SpentNano,
    long ReservedNano,
    long RemainingNano,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd);
