namespace Tollgate.Operations.Alerts;

/// <summary>
/// Measures what rules of some types watch. The extension point for rule types of later issues (guardrail blocks, vault
/// failures): register another signal for the new <see cref="AlertRuleType"/> value with DI.
/// </summary>
public interface IAlertSignal
{
    bool Handles(AlertRuleType type);

    Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertRuleConfig rule, DateTimeOffset now, CancellationToken cancellationToken);
}
