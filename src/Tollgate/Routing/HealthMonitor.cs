using Microsoft.Extensions.Hosting;
using Tollgate.Providers;

namespace Tollgate.Routing;

/// <summary>
/// Recomputes every key's effective weight once per interval, off the request path: folds the interval's outcomes
/// into smoothed error rate and latency, then scales each key against the fastest healthy key of its provider.
/// </summary>
internal sealed class HealthMonitor(ProviderRegistry registry, RouteHealthRegistry routes, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HealthOptions.Default.RecomputeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                RecomputeAll();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public void RecomputeAll()
    {
        var now = time.GetUtcNow();
        foreach (var provider in registry.Providers.Values)
        {
            Recompute(provider.Health, now);
        }

        // Routes serve different models, so their latencies are not comparable: they are scored on errors alone.
        foreach (var route in routes.All)
        {
            route.Fold();
            route.Reweigh(double.NaN, now);
        }
    }

    public static void Recompute(IReadOnlyList<KeyHealth> keys, DateTimeOffset now)
    {
        var best = double.NaN;
        foreach (var key in keys)
        {
            key.Fold();
            var latency = key.ScoreLatencyMs;
            if (key.State != CircuitState.Open && !double.IsNaN(latency) && (double.IsNaN(best) || latency < best))
            {
                best = latency;
            }
        }

        foreach (var key in keys)
        {
            key.Reweigh(best, now);
        }
    }
}
