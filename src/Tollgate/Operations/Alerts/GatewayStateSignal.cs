using System.Collections.Concurrent;
using System.Globalization;
using Tollgate.Observability.RequestLogs;
using Tollgate.Providers;
using Tollgate.Routing;

namespace Tollgate.Operations.Alerts;

/// <summary>
/// Rules read from this instance's live state: open circuits (one instance per provider key) and request log drops
/// (the writer's drop counter, compared with its value one window ago).
/// </summary>
internal sealed class GatewayStateSignal(RouteHealthRegistry health, RequestLogWriter writer) : IAlertSignal
{
    private readonly ConcurrentDictionary<string, Queue<(DateTimeOffset Time, long Dropped)>> _drops = new(StringComparer.Ordinal);

    public bool Handles(AlertRuleType type) => type is AlertRuleType.CircuitOpen or AlertRuleType.LogDrops;

    public Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertRuleConfig rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (rule.Type == AlertRuleType.CircuitOpen)
        {
            return Task.FromResult<IReadOnlyList<AlertCondition>>([.. health.All
                .Where(k => k.State == CircuitState.Open && (rule.Provider is null || k.Provider == rule.Provider) && (rule.KeyName is null || k.KeyName == rule.KeyName))
                .Select(k => new AlertCondition($"{k.Provider}/{k.KeyName}", true,
                    $"The circuit of provider key {k.Provider}/{k.KeyName} is open (error rate {(k.ErrorRate * 100).ToString("0.#", CultureInfo.InvariantCulture)}%); " +
                    $"traffic goes to other keys until {k.OpenUntil?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}.",
                    Math.Round(k.ErrorRate, 4), null))
                .OrderBy(c => c.Instance, StringComparer.Ordinal)]);
        }

        var samples = _drops.GetOrAdd(rule.Id, _ => new Queue<(DateTimeOffset, long)>());
        var dropped = writer.Dropped;
        lock (samples)
        {
            samples.Enqueue((now, dropped));
            while (samples.Count > 1 && samples.Peek().Time < now - rule.Window)
            {
                samples.Dequeue();
            }

            var delta = dropped - samples.Peek().Dropped;
            return Task.FromResult<IReadOnlyList<AlertCondition>>([new AlertCondition("", delta >= Math.Max(1, rule.Threshold),
                $"The request log dropped {delta} entries in the last {rule.Window.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min " +
                $"(queue full or the store refused a batch); {dropped} since start.", delta, Math.Max(1, rule.Threshold))]);
        }
    }
}
