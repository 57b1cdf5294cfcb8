using Microsoft.Extensions.Hosting;
using Tollgate.Cluster.Redis;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Governance.Pricing;
using Tollgate.Hosting;

namespace Tollgate.Cluster;

/// <summary>
/// Keeps Redis's budget spend honest against the durable store, the source of truth: every
/// <c>cluster.reconcile_seconds</c> on the leader, and on every instance right after Redis comes back. Where Redis holds
/// less than the store for the current window (it restarted, was flushed, or missed settlements while down), its
/// spend is raised to the store's; the difference is reported as drift either way.
/// </summary>
internal sealed class BudgetReconciler(
    RedisBatchCounters redis, ClusterCounters counters, GovernanceRegistry registry, BudgetSpend spend, IClusterLeadership leadership,
    GatewayConfigMonitor config, ClusterMetrics metrics, TimeProvider time, ILogger<BudgetReconciler> logger) : BackgroundService
{
    private int _recoveryPending;

    /// <summary>Reconciles every budget once; returns how many were raised.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var snapshot = registry.Current;
        var now = time.GetUtcNow();
        var raised = 0;
        foreach (var budget in snapshot.Merged.Budgets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var definition = snapshot.BudgetDefinitions[budget.Id];
            var (start, _) = definition.Period.WindowAt(now, definition.Anchor);
            var stored = spend.SpentSince(budget.Id, start);
            var before = await redis.ReconcileAsync("b:" + budget.Id, start.ToUnixTimeMilliseconds(), stored).ConfigureAwait(false);
            if (before is not { } inRedis)
            {
                continue; // no state for this window yet: the next admission seeds it from the store
            }

            metrics.BudgetDrift.WithLabels(budget.Id).Set((double)CostCalculator.FromNanoUsd(inRedis - stored));
            if (inRedis < stored)
            {
                raised++;
                metrics.BudgetsRaised.Inc();
                ClusterLog.BudgetRaised(logger, budget.Id, CostCalculator.FromNanoUsd(inRedis), CostCalculator.FromNanoUsd(stored));
            }
        }

        return raised;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        counters.Recovered += () => Interlocked.Exchange(ref _recoveryPending, 1);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
                var due = time.GetUtcNow() - last >= TimeSpan.FromSeconds(config.Current.Cluster.ReconcileSeconds) && leadership.IsLeader;
                if ((Interlocked.Exchange(ref _recoveryPending, 0) == 1 || due) && !counters.RedisDown)
                {
                    last = time.GetUtcNow();
                    await ReconcileAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ClusterLog.JobFailed(logger, "budget reconcile", ex);
            }
        }
    }
}
