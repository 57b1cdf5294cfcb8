namespace Tollgate.Governance;

/// <summary>
/// A budget's spend in the durable store since a window start: through every key, team and customer that names it.
/// The store is the truth for spend; counters (in memory or Redis) are rebuilt and reconciled from it.
/// </summary>
internal sealed class BudgetSpend(GovernanceRegistry registry, IGovernanceStore store)
{
    public long SpentSince(string budgetId, DateTimeOffset windowStart)
    {
        var merged = registry.Current.Merged;
        var keys = merged.VirtualKeys.Where(k => k.BudgetId == budgetId).Select(k => k.Id).ToList();
        var teams = merged.Teams.Where(t => t.BudgetId == budgetId).Select(t => t.Id).ToList();
        var customers = merged.Customers.Where(c => c.BudgetId == budgetId).Select(c => c.Id).ToList();
        return store.SpendSince(windowStart, keys, teams, customers);
    }
}
