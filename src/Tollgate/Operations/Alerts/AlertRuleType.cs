namespace Tollgate.Operations.Alerts;

/// <summary>
/// What a rule watches. Guardrail blocks and vault failures are extension points: their issues add an
/// <see cref="IAlertSignal"/> for the type, and the rule type is accepted once a signal for it is registered.
/// </summary>
public enum AlertRuleType
{
    BudgetUsage,
    ErrorRate,
    LatencyP95,
    CircuitOpen,
    ProviderUnreachable,
    RateLimitRejections,
    BudgetRejections,
    LogDrops,
}
