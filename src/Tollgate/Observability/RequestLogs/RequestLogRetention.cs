using Microsoft.Extensions.Hosting;
using Tollgate.Configuration;
using Tollgate.Hosting;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Deletes entries older than <c>client.log_retention_days</c> at start and then hourly. It deletes in chunks, each its
/// own short transaction, so the writer (which shares SQLite's single write lock) waits at most one chunk, never for
/// a whole day of rows.
/// </summary>
internal sealed class RequestLogRetention : BackgroundService
{
    // At 1M rows on a loaded 2-core box a 5,000-row chunk held SQLite's write lock for up to 0.86 s (bench/results/
    // 2026-11-23-logs.md, first run); 1,000 keeps each hold near a batch write, so the writer's queue does not back up.
    public const int ChunkSize = 1_000;

    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    private readonly IRequestLogStore _store;
    private readonly Func<ClientConfig> _client;
    private readonly TimeProvider _time;
    private readonly ILogger<RequestLogRetention> _logger;
    private readonly IClusterLeadership? _leadership;

    /// <param name="leadership">In a cluster only the leader sweeps (the store is shared); null sweeps always.</param>
    public RequestLogRetention(IRequestLogStore store, Func<ClientConfig> client, TimeProvider time, ILogger<RequestLogRetention> logger,
        IClusterLeadership? leadership = null)
    {
        _leadership = leadership;
        _store = store;
        _client = client;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs one sweep now; returns how many entries it deleted (0 when retention is off).</summary>
    public async Task<long> SweepAsync(CancellationToken cancellationToken = default)
    {
        var days = _client().LogRetentionDays;
        if (days <= 0)
        {
            return 0;
        }

        var cutoff = _time.GetUtcNow().AddDays(-days);
        long total = 0;
        int deleted;
        do
        {
            deleted = await _store.DeleteOlderThanAsync(cutoff, ChunkSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted == ChunkSize)
            {
                // Let the writer's next batch in between chunks.
                await Task.Yield();
            }
        }
        while (deleted == ChunkSize);

        if (total > 0)
        {
            RequestLogLog.RetentionDeleted(_logger, total, cutoff);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first sweep after a long stop can be large and the stores run it synchronously: keep it off start-up.
        await Task.Yield();
        using var timer = new PeriodicTimer(Period, _time);
        do
        {
            try
            {
                if (_leadership?.IsLeader != false)
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RequestLogLog.RetentionFailed(_logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
