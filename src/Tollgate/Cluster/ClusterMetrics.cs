using Prometheus;
using Tollgate.Observability.Metrics;

namespace Tollgate.Cluster;

/// <summary>Cluster-mode series on the gateway's /metrics registry.</summary>
internal sealed class ClusterMetrics
{
    public ClusterMetrics(GatewayMetrics metrics)
    {
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        RedisUp = factory.CreateGauge("tollgate_cluster_redis_up", "1 while the shared counters in Redis answer, 0 while they do not.");
        LocalCounters = factory.CreateGauge("tollgate_cluster_local_counters", "1 while limits are enforced per instance (Redis down, redis_failure_mode local).");
        RedisFailures = factory.CreateCounter("tollgate_cluster_redis_failures_total", "Counter calls to Redis that failed or timed out.");
        RedisCalls = factory.CreateCounter("tollgate_cluster_redis_calls_total", "Counter scripts run on Redis, by script (admit, settle, limits, seed).", ["script"]);
        BudgetDrift = factory.CreateGauge("tollgate_cluster_budget_drift_usd",
            "Budget spend in Redis minus spend in the durable store for the current window, at the last reconcile (positive: not yet flushed).", ["budget"]);
        BudgetsRaised = factory.CreateCounter("tollgate_cluster_budget_reconcile_raised_total", "Reconciles that raised a budget's spend in Redis to the store's (Redis had lost spend).");
        LiveInstances = factory.CreateGauge("tollgate_cluster_instances", "Live instances seen in the cluster's membership table.");
        IsLeader = factory.CreateGauge("tollgate_cluster_leader", "1 while this instance holds the leader lease.");
        PendingSettles = factory.CreateGauge("tollgate_cluster_pending_settles", "Settlements waiting for Redis to come back.");
    }

    public Gauge RedisUp { get; }

    public Gauge LocalCounters { get; }

    public Counter RedisFailures { get; }

    public Counter RedisCalls { get; }

    public Gauge BudgetDrift { get; }

    public Counter BudgetsRaised { get; }

    public Gauge LiveInstances { get; }

    public Gauge IsLeader { get; }

    public Gauge PendingSettles { get; }
}
