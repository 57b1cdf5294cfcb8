using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Tollgate.Configuration;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Moves request log entries from the request path to the store in batches.
/// <code>
/// request ─► TryEnqueue ─► bounded channel ─► batch (1,000 entries or 500 ms) ─► store, one transaction
///              │ full: drop + count                                   │ failure: retry 3×, then drop + count
/// </code>
/// Unlike spend (<see cref="Governance.Usage.UsageWriter"/>, which waits rather than lose a record), a log entry may be
/// dropped under overload, because a request must never wait for its log line; every drop is counted in
/// <see cref="Dropped"/> so the loss is visible. A graceful shutdown drains what is queued.
/// </summary>
internal sealed class RequestLogWriter : BackgroundService, IRequestObserver
{
    public const int MaxBatch = 1_000;

    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);

    private readonly Channel<RequestLogEntry> _queue;
    private readonly IRequestLogStore _store;
    private readonly Func<ClientConfig> _client;
    private readonly TimeProvider _time;
    private readonly ILogger<RequestLogWriter> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Entries taken off the channel but not yet written; guarded by _pendingGate so FlushAsync can take them over.
    private readonly List<RequestLogEntry> _pending = new(MaxBatch);
    private readonly Lock _pendingGate = new();
    private long _dropped;
    private long _written;

    public RequestLogWriter(IRequestLogStore store, Func<ClientConfig> client, TimeProvider time, ILogger<RequestLogWriter> logger, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _queue = Channel.CreateBounded<RequestLogEntry>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            // Wait mode makes TryWrite answer false when full (DropWrite would report success and lose the entry silently).
            FullMode = BoundedChannelFullMode.Wait,
        });
        _store = store;
        _client = client;
        _time = time;
        _logger = logger;
    }

    /// <summary>Delays before each retry of a failed batch; its length is the number of retries.</summary>
    internal TimeSpan[] RetryDelays { get; init; } = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    /// <summary>Entries lost: queue full, or a batch the store refused after every retry.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Entries the store accepted.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Entries waiting in the queue.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Queues an entry for the log; never blocks. False when logging is off or the queue is full (then counted).</summary>
    void IRequestObserver.OnCompleted(RequestLogEntry entry) => TryEnqueue(entry);

    public bool TryEnqueue(RequestLogEntry entry)
    {
        if (!_client().EnableLogging)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(entry))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Writes everything queued before the call (tests, and admin reads that must see the latest requests).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DrainLockedAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // Gather for up to one interval or until a full batch, whichever comes first: one transaction per
                // batch instead of one per request, and a bounded delay before an entry is visible.
                using (var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    window.CancelAfter(FlushInterval);
                    try
                    {
                        while (TakeAvailable() < MaxBatch && await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                        {
                        }
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                    }
                }

                await _writeLock.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await WritePendingAsync(stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    _writeLock.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // The loop has ended: write whatever it held and whatever is still queued.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await DrainLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task DrainLockedAsync(CancellationToken cancellationToken)
    {
        // Bounded by what was queued at the start, so requests still arriving cannot keep a flush going forever.
        var remaining = _queue.Reader.Count;
        do
        {
            remaining -= TakeAvailable();
            await WritePendingAsync(cancellationToken).ConfigureAwait(false);
        }
        while (remaining > 0 && _queue.Reader.Count > 0);
    }

    /// <summary>Moves queued entries to the pending batch, up to <see cref="MaxBatch"/>; returns the batch's size.</summary>
    private int TakeAvailable()
    {
        lock (_pendingGate)
        {
            while (_pending.Count < MaxBatch && _queue.Reader.TryRead(out var entry))
            {
                _pending.Add(entry);
            }

            return _pending.Count;
        }
    }

    /// <summary>Writes the pending batch; only while holding the write lock.</summary>
    private async Task WritePendingAsync(CancellationToken cancellationToken)
    {
        RequestLogEntry[] batch;
        lock (_pendingGate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = [.. _pending];
            _pending.Clear();
        }

        if (_client().DisableContentLogging)
        {
            // The operator's switch wins over every content policy, whatever the pipeline put in the entry.
            for (var i = 0; i < batch.Length; i++)
            {
                if (batch[i].RequestBody is not null || batch[i].ResponseBody is not null)
                {
                    batch[i] = batch[i] with { RequestBody = null, ResponseBody = null };
                }
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Length);
                return;
            }
            catch (Exception ex)
            {
                if (attempt >= RetryDelays.Length || cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Add(ref _dropped, batch.Length);
                    RequestLogLog.BatchDropped(_logger, ex, batch.Length, attempt + 1);
                    return;
                }

                RequestLogLog.BatchFailed(_logger, ex, batch.Length, attempt + 1);
                try
                {
                    await Task.Delay(RetryDelays[attempt], _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: one last attempt without waiting, then give up.
                }
            }
        }
    }

    public override void Dispose()
    {
        _writeLock.Dispose();
        base.Dispose();
    }
}
