using Prometheus;
using Tollgate.Governance;
using Tollgate.Governance.Pricing;
using Tollgate.Governance.Usage;
using Tollgate.Providers;

namespace Tollgate.Observability.Metrics;

/// <summary>
/// Gauges computed when Prometheus scrapes, never on the request path: budget limits and what remains of them, the
/// health of every provider key (circuit, adaptive weight, smoothed latency and error rate) and queue depths.
/// </summary>
internal sealed class ScrapeGauges
{
    private readonly GatewayMetrics _metrics;
    private readonly GovernanceRegistry _governance;
    private readonly GovernanceService _service;
    private readonly ProviderRegistry _providers;
    private readonly UsageWriter _usage;
    private readonly TimeProvider _time;
    private readonly ILogger<ScrapeGauges> _logger;
    private readonly Lock _gate = new();
    private readonly ScrapedGauge _budgetRemaining;
    private readonly ScrapedGauge _budgetLimit;
    private readonly ScrapedGauge _budgetSpent;
    private readonly ScrapedGauge _circuit;
    private readonly ScrapedGauge _weight;
    private readonly ScrapedGauge _latency;
    private readonly ScrapedGauge _errorRate;
    private readonly ScrapedGauge _inFlight;
    private GovernanceSnapshot? _entitiesOf;
    private Dictionary<string, string> _budgetEntities = [];

    public ScrapeGauges(GatewayMetrics metrics, GovernanceRegistry governance, GovernanceService service, ProviderRegistry providers,
        UsageWriter usage, TimeProvider time, ILogger<ScrapeGauges> logger)
    {
        _metrics = metrics;
        _governance = governance;
        _service = service;
        _providers = providers;
        _usage = usage;
        _time = time;
        _logger = logger;
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        string[] budgetLabels = ["budget_id", "entity"];
        string[] keyLabels = ["provider", "key"];
        _budgetRemaining = new(factory.CreateGauge("tollgate_budget_remaining_usd", "What remains of a budget in its current window (limit - spent - reserved).", budgetLabels));
        _budgetLimit = new(factory.CreateGauge("tollgate_budget_limit_usd", "A budget's limit per window.", budgetLabels));
        _budgetSpent = new(factory.CreateGauge("tollgate_budget_spent_usd", "Spent in a budget's current window.", budgetLabels));
        _circuit = new(factory.CreateGauge("tollgate_key_circuit_state", "Circuit breaker of a provider key: 0 closed, 1 half-open, 2 open.", keyLabels));
        _weight = new(factory.CreateGauge("tollgate_key_weight", "Adaptive routing weight of a provider key (configured weight scaled by health).", keyLabels));
        _latency = new(factory.CreateGauge("tollgate_key_latency_seconds", "Smoothed (EWMA) time to response headers of a provider key.", keyLabels));
        _errorRate = new(factory.CreateGauge("tollgate_key_error_rate", "Smoothed (EWMA) error rate of a provider key, 0..1.", keyLabels));
        _inFlight = new(factory.CreateGauge("tollgate_key_in_flight", "Upstream calls in flight on a provider key.", keyLabels));
        metrics.Registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        lock (_gate)
        {
            // A scrape must not fail on one bad read: log it and export what could be read.
            try
            {
                RefreshBudgets();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                GatewayLog.ScrapeReadFailed(_logger, ex, "budgets");
            }

            try
            {
                RefreshKeys();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                GatewayLog.ScrapeReadFailed(_logger, ex, "key health");
            }

            _metrics.UsageQueueDepth.Set(_usage.QueueDepth);
            if (_metrics.LogQueueDepthSource is { } depth && _metrics.LogDroppedSource is { } dropped)
            {
                _metrics.LogQueueDepth.Set(depth());
                _metrics.LogDropped.IncTo(dropped());
            }
        }
    }

    private void RefreshBudgets()
    {
        var snapshot = _governance.Current;
        var entities = EntitiesOf(snapshot);
        var now = _time.GetUtcNow();
        foreach (var budget in snapshot.Merged.Budgets)
        {
            if (!snapshot.BudgetDefinitions.ContainsKey(budget.Id))
            {
                continue;
            }

            var state = _service.BudgetState(budget, now);
            var entity = entities.GetValueOrDefault(budget.Id, string.Empty);
            _budgetRemaining.Set(budget.Id, entity, (double)CostCalculator.FromNanoUsd(state.RemainingNano));
            _budgetLimit.Set(budget.Id, entity, (double)budget.MaxLimitUsd);
            _budgetSpent.Set(budget.Id, entity, (double)CostCalculator.FromNanoUsd(state.SpentNano));
        }

        _budgetRemaining.Sweep();
        _budgetLimit.Sweep();
        _budgetSpent.Sweep();
    }

    /// <summary>
    /// Who spends from each budget, as <c>virtual_key:vk-app,team:ml</c>: a budget is a shared pool named by id, so
    /// the id alone does not say whose money it is. Rebuilt only when the governance snapshot changes.
    /// </summary>
    private Dictionary<string, string> EntitiesOf(GovernanceSnapshot snapshot)
    {
        if (ReferenceEquals(snapshot, _entitiesOf))
        {
            return _budgetEntities;
        }

        var owners = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string? budgetId, string owner)
        {
            if (budgetId is null)
            {
                return;
            }

            if (!owners.TryGetValue(budgetId, out var list))
            {
                owners[budgetId] = list = [];
            }

            list.Add(owner);
        }

        foreach (var key in snapshot.Merged.VirtualKeys)
        {
            Add(key.BudgetId, "virtual_key:" + key.Id);
        }

        foreach (var team in snapshot.Merged.Teams)
        {
            Add(team.BudgetId, "team:" + team.Id);
        }

        foreach (var customer in snapshot.Merged.Customers)
        {
            Add(customer.BudgetId, "customer:" + customer.Id);
        }

        _budgetEntities = owners.ToDictionary(o => o.Key, o => string.Join(',', o.Value), StringComparer.Ordinal);
        _entitiesOf = snapshot;
        return _budgetEntities;
    }

    private void RefreshKeys()
    {
        foreach (var provider in _providers.Providers.Values)
        {
            foreach (var health in provider.Health)
            {
                var name = health.KeyName;
                _circuit.Set(provider.Name, name, health.State switch
                {
                    CircuitState.Closed => 0,
                    CircuitState.HalfOpen => 1,
                    _ => 2,
                });
                _weight.Set(provider.Name, name, health.EffectiveWeight);
                _errorRate.Set(provider.Name, name, health.ErrorRate);
                _inFlight.Set(provider.Name, name, health.InFlight);
                if (!double.IsNaN(health.LatencyMs))
                {
                    // Unmeasured keys export nothing rather than NaN, which most dashboards draw as a gap anyway.
                    _latency.Set(provider.Name, name, health.LatencyMs / 1000);
                }
            }
        }

        _circuit.Sweep();
        _weight.Sweep();
        _errorRate.Sweep();
        _inFlight.Sweep();
        _latency.Sweep();
    }
}
