namespace Tollgate.Governance;

/// <summary>
/// Rebuilds each budget's current-window spend from the durable usage records at start-up, so a restart never
/// resets a budget. Spend is attributed to a budget through every key, team and customer that names it.
/// </summary>
internal sealed class GovernanceRebuilder(GovernanceRegistry registry, GovernanceService governance, BudgetSpend spend, Pricing.TokenEstimator estimator, TimeProvider time, ILogger<GovernanceRebuilder> logger)
{
    public void RestoreBudgets()
    {
        var snapshot = registry.Current;
        var now = time.GetUtcNow();
        if (snapshot.Merged.Budgets.Count > 0 || snapshot.Merged.RateLimits.Any(r => r.TokenMaxLimit is not null))
        {
            // Budgets and token limits estimate input tokens; load the tokenizer now, off the first request's path.
            _ = Task.Run(() => estimator.EstimateText("warm up"));
        }

        foreach (var budget in snapshot.Merged.Budgets)
        {
            var definition = snapshot.BudgetDefinitions[budget.Id];
            var (windowStart, _) = definition.Period.WindowAt(now, definition.Anchor);
            var spent = spend.SpentSince(budget.Id, windowStart);
            governance.LedgerFor(budget).Restore(spent, windowStart);
            if (spent > 0)
            {
                logger.LogInformation("Budget {Budget}: restored {Spent} USD spent since {WindowStart:O}", budget.Id, Pricing.CostCalculator.FromNanoUsd(spent), windowStart);
            }
        }
    }
}
