namespace Tollgate.Cluster;

/// <summary>The answer of <c>GET /api/cluster</c>.</summary>
/// <param name="Mode"><c>single</c> (no shared store), <c>postgres</c> (shared store, per-instance counters) or <c>redis</c>.</param>
/// <param name="Counters">Where limits are counted now: <c>memory</c>, <c>redis</c>, <c>local</c> (Redis down) or <c>unavailable</c>.</param>
internal sealed record ClusterView(string Mode, string Counters, string Instance, string? Leader, IReadOnlyList<ClusterMemberView> Instances);

/// <summary>One instance in <see cref="ClusterView"/>.</summary>
internal sealed record ClusterMemberView(
    string Id, string Address, string Version, string ConfigHash, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, bool Leader, bool Self);

/// <summary>The cluster part of <c>/ready</c>: whether counters are shared and how many instances are live.</summary>
internal sealed record ClusterReadiness(string Counters, int Instances, bool Leader, string? Warning);

/// <summary>What <c>/ready</c> answers when the instance is shutting down or degraded.</summary>
