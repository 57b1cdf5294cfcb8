namespace Tollgate.Governance.Counters;

/// <summary>A budget's state on the counters: the window it is in, what was spent, and what live calls still reserve (nano-USD).</summary>
internal readonly record struct BudgetCounterState(long WindowStartMs, long SpentNano, long ReservedNano);
