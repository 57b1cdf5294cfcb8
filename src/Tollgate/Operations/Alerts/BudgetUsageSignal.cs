using System.Globalization;
using Tollgate.Governance;
using Tollgate.Governance.Pricing;

namespace Tollgate.Operations.Alerts;

/// <summary>Budget usage: one instance per threshold level, firing while the window's spend is at or above it.</summary>
internal sealed class BudgetUsageSignal(GovernanceRegistry registry, GovernanceService governance) : IAlertSignal
{
    public bool Handles(AlertRuleType type) => type == AlertRuleType.BudgetUsage;

    public Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertRuleConfig rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (rule.BudgetId is null || !registry.Current.Budgets.TryGetValue(rule.BudgetId, out var budget))
        {
            return Task.FromResult<IReadOnlyList<AlertCondition>>([]);
        }

        var state = governance.LedgerFor(budget).Snapshot(now);
        // Exact integer nano-USD until the one division for the percentage.
        var percent = state.LimitNano <= 0 ? 0 : state.SpentNano * 100.0 / state.LimitNano;
        var spent = CostCalculator.FromNanoUsd(state.SpentNano).ToString("0.00####", CultureInfo.InvariantCulture);
        var limit = CostCalculator.FromNanoUsd(state.LimitNano).ToString("0.00####", CultureInfo.InvariantCulture);
        return Task.FromResult<IReadOnlyList<AlertCondition>>([.. rule.Thresholds.Select(level => new AlertCondition(
            level.ToString("0.##", CultureInfo.InvariantCulture) + "%",
            percent >= level,
            $"Budget {budget.Id} has used {percent.ToString("0.#", CultureInfo.InvariantCulture)}% of its limit: {spent} of {limit} USD " +
            $"in the window ending {state.WindowEnd.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}.",
            Math.Round(percent, 2),
            level))]);
    }
}
