using Microsoft.Extensions.Hosting;
using Tollgate.Cluster.Redis;
using Tollgate.Configuration;

namespace Tollgate.Cluster;

/// <summary>
/// Every <c>cluster.heartbeat_seconds</c>: reports this instance alive in PostgreSQL (membership) and in Redis (so the
/// slots and reservations it holds keep counting), renews or takes the leader lease, and refreshes the member list.
/// An instance missing three heartbeats is no longer live; the lease lasts five.
/// </summary>
internal sealed class ClusterHeartbeat(
    ClusterInstance self, ClusterMembership membership, GatewayConfigMonitor config, ClusterMetrics metrics, TimeProvider time,
    ILogger<ClusterHeartbeat> logger, PostgresClusterStore? store = null, PostgresLeadership? leadership = null, ClusterCounters? counters = null)
    : BackgroundService
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private bool _wasLeader;

    public TimeSpan Interval => TimeSpan.FromSeconds(config.Current.Cluster.HeartbeatSeconds);

    /// <summary>How long a heartbeat counts: three intervals.</summary>
    public TimeSpan LiveFor => Interval * 3;

    public TimeSpan Lease => Interval * 5;

    /// <summary>One heartbeat; public so tests can step it.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (counters is not null)
        {
            await counters.HeartbeatAsync(now).ConfigureAwait(false);
        }

        if (store is null)
        {
            return;
        }

        await store.HeartbeatAsync(self, ConfigHash(config.Current), _startedAt, cancellationToken).ConfigureAwait(false);
        string? holder;
        try
        {
            holder = await store.AcquireLeaseAsync(PostgresLeadership.LeaseName, self.Id, Lease, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            leadership?.Renewed(false, now, Lease);
            throw;
        }

        var leading = holder == self.Id;
        leadership?.Renewed(leading, now, Lease);
        if (leading != _wasLeader)
        {
            _wasLeader = leading;
            if (leading)
            {
                ClusterLog.BecameLeader(logger, self.Id);
            }
            else
            {
                ClusterLog.LostLeadership(logger, self.Id);
            }
        }

        metrics.IsLeader.Set(leading ? 1 : 0);
        var live = await store.LiveAsync(LiveFor, cancellationToken).ConfigureAwait(false);
        membership.Update(
            [.. live.Select(m => new ClusterMember(m.Id, m.Address, m.Version, m.ConfigHash, m.StartedAt, m.LastHeartbeat, m.Id == holder, m.Id == self.Id))],
            holder);
        metrics.LiveInstances.Set(membership.LiveCount);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first beat before serving: membership and the lease are known from the first request on.
        try
        {
            await BeatAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ClusterLog.JobFailed(logger, "heartbeat", ex);
        }

        ClusterLog.Joined(logger, self.Id, self.Address, counters is not null);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ClusterLog.JobFailed(logger, "heartbeat", ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Leave at once rather than by timeout: the lease passes on and what this instance held stops counting.
            leadership?.Renewed(false, time.GetUtcNow(), Lease);
            if (store is not null)
            {
                await store.LeaveAsync(self, cancellationToken).ConfigureAwait(false);
            }

            if (counters is not null)
            {
                await counters.LeaveAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            ClusterLog.JobFailed(logger, "leave", ex);
        }
    }

    /// <summary>The config file's hash, so operators can see instances running different files.</summary>
    private static string ConfigHash(GatewayConfig config) => config.FileHash;
}
