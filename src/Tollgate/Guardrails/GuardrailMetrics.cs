using Prometheus;
using Tollgate.Observability.Metrics;

namespace Tollgate.Guardrails;

/// <summary><c>tollgate_guardrail_firings_total{rule,action,direction}</c> and <c>tollgate_guardrail_entities_total{rule,entity}</c> on the gateway's registry.</summary>
internal sealed class GuardrailMetrics(GatewayMetrics metrics)
{
    private readonly Counter _firings = Prometheus.Metrics.WithCustomRegistry(metrics.Registry)
        .CreateCounter("tollgate_guardrail_firings_total", "Guardrail rules that fired, by rule, action and direction.", ["rule", "action", "direction"]);

    private readonly Counter _entities = Prometheus.Metrics.WithCustomRegistry(metrics.Registry)
        .CreateCounter("tollgate_guardrail_entities_total", "Entities guardrail rules found, by rule and entity type.", ["rule", "entity"]);

    public void Record(IReadOnlyList<GuardrailFiring> firings)
    {
        foreach (var firing in firings)
        {
            _firings.WithLabels(firing.RuleId, GuardrailEngine.ActionName(firing.Action), firing.Direction == GuardrailDirection.Input ? "input" : "output").Inc();
            foreach (var (entity, count) in firing.Entities)
            {
                _entities.WithLabels(firing.RuleId, entity).Inc(count);
            }
        }
    }
}
