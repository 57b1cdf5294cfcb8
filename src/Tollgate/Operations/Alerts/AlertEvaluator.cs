using Microsoft.Extensions.Hosting;

namespace Tollgate.Operations.Alerts;

/// <summary>Runs <see cref="AlertEngine.EvaluateAsync"/> every <c>alerts.evaluation_interval_seconds</c> on the injected clock.</summary>
internal sealed class AlertEvaluator(AlertEngine engine, TimeProvider time, ILogger<AlertEvaluator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(engine.Config.EvaluationInterval, time, stoppingToken).ConfigureAwait(false);
                await engine.EvaluateAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // One bad evaluation must not end alerting for the life of the process.
                AlertLog.EvaluationFailed(logger, ex, "*");
            }
        }
    }
}
