using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Tollgate.Storage;

namespace Tollgate.Governance.Usage;

/// <summary>
/// Persists usage records in batches off the request path. Records are flushed at least every
/// <see cref="FlushInterval"/>, so a hard kill loses at most that much spend; a graceful shutdown drains the queue.
/// Spend is never dropped: when the queue is full the caller waits (after its response has gone out).
/// </summary>
internal sealed class UsageWriter : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);
    private const int MaxBatch = 512;

    private readonly Channel<UsageRecord> _queue = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly IGovernanceStore _store;
    private readonly ILogger<UsageWriter> _logger;

    public UsageWriter(IGovernanceStore store, ILogger<UsageWriter> logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>Records waiting to be written (a metrics gauge, read at scrape time).</summary>
    public int QueueDepth => _queue.Reader.Count;

    public ValueTask EnqueueAsync(UsageRecord record)
    {
        return _queue.Writer.TryWrite(record) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(record);
    }

    /// <summary>Writes everything queued so far (tests and admin reads that must see the latest spend).</summary>
    public Task FlushAsync()
    {
        lock (_queue)
        {
            Drain();
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // Let a batch gather: one transaction per interval instead of one per request.
                await Task.Delay(FlushInterval, stoppingToken).ConfigureAwait(false);
                await BlockingStorageWork.Run(() =>
                {
                    lock (_queue)
                    {
                        Drain();
                    }
                }).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        lock (_queue)
        {
            Drain();
        }
    }

    private void Drain()
    {
        var batch = new List<UsageRecord>(MaxBatch);
        while (_queue.Reader.TryRead(out var record))
        {
            batch.Add(record);
            if (batch.Count == MaxBatch)
            {
                if (!Write(batch))
                {
                    return;
                }

                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            Write(batch);
        }
    }

    private bool Write(List<UsageRecord> batch)
    {
        try
        {
            _store.Append(batch);
            return true;
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            // Keep the records: put them back and try again next interval rather than lose spend.
            _logger.LogError(ex, "Writing {Count} usage records failed; retrying", batch.Count);
            foreach (var record in batch)
            {
                _queue.Writer.TryWrite(record);
            }

            return false;
        }
    }
}
