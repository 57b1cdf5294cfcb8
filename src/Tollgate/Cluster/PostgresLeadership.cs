using Tollgate.Hosting;

namespace Tollgate.Cluster;

/// <summary>
/// Leadership from the lease in PostgreSQL (<see cref="PostgresClusterStore.AcquireLeaseAsync"/>), renewed by
/// <see cref="ClusterHeartbeat"/>. An instance that cannot renew (database unreachable) stops leading once its own lease
/// time has passed, before another instance can take over, so two leaders never overlap by more than clock drift.
/// </summary>
internal sealed class PostgresLeadership(TimeProvider time) : IClusterLeadership
{
    public const string LeaseName = "jobs";

    private long _leaseUntilTicks;

    public bool IsLeader => time.GetUtcNow().UtcTicks < Volatile.Read(ref _leaseUntilTicks);

    /// <summary>Records the outcome of a renewal attempt made at <paramref name="attemptedAt"/>.</summary>
    public void Renewed(bool held, DateTimeOffset attemptedAt, TimeSpan lease) =>
        Volatile.Write(ref _leaseUntilTicks, held ? (attemptedAt + lease).UtcTicks : 0);
}
