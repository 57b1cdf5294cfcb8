using Tollgate.Cluster;
using Tollgate.Configuration;
using Tollgate.Hosting;

namespace Tollgate.Audit;

/// <summary>
/// Deletes entries older than <c>client.audit_retention_days</c> (default 365; 0 keeps everything) once an hour. The
/// chain's walk starts at the oldest kept entry, so retention does not read as tampering; each sweep that deleted
/// something is itself an entry, so a gap at the start of the log is explained in the log.
/// </summary>
internal sealed class AuditRetention(AuditLog audit, GatewayConfigMonitor config, TimeProvider time, IClusterLeadership leadership,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private readonly ILogger _logger = loggers.CreateLogger(AuditLogEvents.Category);

    public int Sweep()
    {
        var days = config.Current.Client.AuditRetentionDays;
        if (days <= 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(days);
        var deleted = audit.Store.DeleteOlderThan(cutoff);
        if (deleted > 0)
        {
            AuditLogEvents.RetentionDeleted(_logger, deleted, cutoff);
            audit.Record(new AuditEntry
            {
                ActorKind = "system",
                Actor = "retention",
                Action = "audit.retention",
                Target = "audit_log",
                Status = StatusCodes.Status200OK,
                After = $$"""{"deleted":{{deleted}},"older_than":"{{cutoff:O}}","retention_days":{{days}}}""",
            });
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (leadership.IsLeader)
                {
                    Sweep();
                }

                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                AuditLogEvents.RetentionFailed(_logger, ex);
                await Task.Delay(Interval, time, stoppingToken);
            }
        }
    }
}
