using Microsoft.Extensions.Hosting;
using Tollgate.Cluster;
using Tollgate.Hosting;

namespace Tollgate.Operations.Exports;

/// <summary>Once a minute (injected clock), on the leader only, runs every schedule: each exports whatever windows are due.</summary>
internal sealed class ExportScheduler(ExportRunner runner, IClusterLeadership leadership, TimeProvider time, ILogger<ExportScheduler> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Tick, time, stoppingToken).ConfigureAwait(false);
                if (!leadership.IsLeader)
                {
                    continue;
                }

                foreach (var schedule in runner.Config.Schedules)
                {
                    // Failures are recorded per window by the runner; a schedule never stops the others.
                    await runner.RunAsync(schedule.Id, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The operations store was unreachable, say: try again at the next tick rather than stop exporting for good.
                ExportLog.Failed(logger, ex, "*", time.GetUtcNow());
            }
        }
    }
}
