using Microsoft.Extensions.Hosting;
using Tollgate.Api.Auth;
using Tollgate.Configuration;
using Tollgate.Governance;

namespace Tollgate.Cluster;

/// <summary>
/// Puts entities changed through another instance in force here: polls the change versions the database's triggers
/// keep (<see cref="PostgresClusterStore"/>) every <c>cluster.change_poll_ms</c> and reloads what changed, so a virtual
/// key, budget, provider, routing rule, user or session edited anywhere applies everywhere within about one poll.
/// </summary>
internal sealed class ChangeWatcher(
    PostgresClusterStore store, GatewayConfigMonitor config, GovernanceRegistry governance, SessionService sessions, TimeProvider time,
    ILogger<ChangeWatcher> logger) : BackgroundService
{
    private Dictionary<string, long>? _seen;

    /// <summary>Checks once; returns the tables that changed since the last check (none on the first).</summary>
    public async Task<IReadOnlyCollection<string>> PollAsync(CancellationToken cancellationToken)
    {
        var versions = await store.ChangeVersionsAsync(cancellationToken).ConfigureAwait(false);
        var previous = _seen;
        _seen = versions;
        if (previous is null)
        {
            return [];
        }

        var changed = versions.Where(v => !previous.TryGetValue(v.Key, out var old) || old != v.Value).Select(v => v.Key).ToList();
        if (changed.Contains("governance_entities"))
        {
            governance.Refresh();
        }

        if (changed.Contains("providers") || changed.Contains("settings"))
        {
            config.StoreChanged();
        }

        if (changed.Contains("users") || changed.Contains("sessions"))
        {
            sessions.ForgetAll();
        }

        return changed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ClusterLog.JobFailed(logger, "change poll", ex);
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(config.Current.Cluster.ChangePollMs), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
