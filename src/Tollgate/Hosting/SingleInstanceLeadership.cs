namespace Tollgate.Hosting;

/// <summary>One instance, no shared store to hold a lease in: this instance runs every once-per-cluster job.</summary>
public sealed class SingleInstanceLeadership : IClusterLeadership
{
    public bool IsLeader => true;
}
