namespace Tollgate.Cluster;

/// <summary>The live instances as of the last heartbeat, for <c>GET /api/cluster</c> and the local-mode divisor.</summary>
internal sealed class ClusterMembership(ClusterInstance self)
{
    private volatile IReadOnlyList<ClusterMember> _members = [];
    private volatile string? _leader;

    public ClusterInstance Self { get; } = self;

    public IReadOnlyList<ClusterMember> Members => _members;

    public string? Leader => _leader;

    /// <summary>Live instances, at least 1 (this one), even before the first heartbeat.</summary>
    public int LiveCount => Math.Max(1, _members.Count);

    public void Update(IReadOnlyList<ClusterMember> members, string? leader)
    {
        _members = members;
        _leader = leader;
    }
}
