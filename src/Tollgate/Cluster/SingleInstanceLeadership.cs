namespace Tollgate.Cluster;

/// <summary>One instance, no shared store to hold a lease in: this instance runs every once-per-cluster job.</summary>
internal sealed class SingleInstanceLeadership : IClusterLeadership
{
    public bool IsLeader => true;
}
