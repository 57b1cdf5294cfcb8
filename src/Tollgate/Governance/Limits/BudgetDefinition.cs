namespace Tollgate.Governance.Limits;

/// <summary>
/// What a budget is: a limit in nano-USD per <see cref="Period"/>. A record, so "did the admin change this budget?"
/// is equality and the counters can update a live ledger in place.
/// </summary>
public sealed record BudgetDefinition
{
    /// <param name="limitNano">Limit per window in nano-USD (1e-9 USD). 0 is allowed and blocks every call.</param>
    /// <param name="period">How often spend resets.</param>
    /// <param name="anchor">
    /// Where rolling windows start (typically when the budget was created). Ignored by calendar-aligned periods.
    /// </param>
    public BudgetDefinition(long limitNano, BudgetPeriod period, DateTimeOffset anchor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitNano);
        ArgumentNullException.ThrowIfNull(period);
        LimitNano = limitNano;
        Period = period;
        Anchor = anchor;
    }

    public long LimitNano { get; }

    public BudgetPeriod Period { get; }

    public DateTimeOffset Anchor { get; }
}
