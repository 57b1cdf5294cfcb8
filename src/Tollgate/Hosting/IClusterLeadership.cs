namespace Tollgate.Hosting;

/// <summary>
/// Whether this instance runs the jobs that must run once per cluster (retention sweeps, scheduled exports, alert
/// evaluation). Alone, an instance always leads (<see cref="SingleInstanceLeadership"/>); in cluster mode a lease in the
/// shared store decides, and a dead leader is replaced.
/// </summary>
public interface IClusterLeadership
{
    /// <summary>True while this instance holds the lease. Cheap to read; jobs check it at each run.</summary>
    bool IsLeader { get; }
}
