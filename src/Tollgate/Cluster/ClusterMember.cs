namespace Tollgate.Cluster;

/// <summary>One live instance as <c>GET /api/cluster</c> lists it.</summary>
internal sealed record ClusterMember(
    string Id, string Address, string Version, string ConfigHash, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, bool Leader, bool Self);
