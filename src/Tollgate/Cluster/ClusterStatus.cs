using Tollgate.Cluster.Redis;
using Tollgate.Hosting;

namespace Tollgate.Cluster;

/// <summary>The cluster state the API and readiness report, from whichever cluster parts this instance runs.</summary>
internal sealed class ClusterStatus(
    ClusterMembership membership, IClusterLeadership leadership, ShutdownDrain drain, bool sharedStore, ClusterCounters? counters = null)
{
    public bool Draining => drain.Draining;

    public string Mode => counters is not null ? "redis" : sharedStore ? "postgres" : "single";

    public string Counters => counters?.Mode ?? "memory";

    public ClusterReadiness Readiness()
    {
        string? warning = counters?.Mode switch
        {
            "local" => $"Redis unreachable: limits enforced per instance, divided by {counters.LocalDivisor} live instances",
            "unavailable" => "Redis unreachable: governed requests are refused with 503 (redis_failure_mode fail_closed)",
            _ => sharedStore && counters is null && membership.LiveCount > 1
                ? "several instances without TOLLGATE_REDIS: rate limits, budgets in flight and concurrency caps count per instance"
                : null,
        };
        return new ClusterReadiness(Counters, membership.LiveCount, leadership.IsLeader, warning);
    }

    public ClusterView View()
    {
        var members = membership.Members;
        IReadOnlyList<ClusterMemberView> list = members.Count == 0
            ? [new ClusterMemberView(membership.Self.Id, membership.Self.Address, membership.Self.Version, "", DateTimeOffset.MinValue, DateTimeOffset.MinValue,
                leadership.IsLeader, true)]
            : [.. members.Select(m => new ClusterMemberView(m.Id, m.Address, m.Version, m.ConfigHash, m.StartedAt, m.LastHeartbeat, m.Leader, m.Self))];
        return new ClusterView(Mode, Counters, membership.Self.Id, membership.Leader ?? (leadership.IsLeader ? membership.Self.Id : null), list);
    }
}
