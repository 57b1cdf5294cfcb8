using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

/// <summary>
/// A store that keeps appended batches in memory, can be made to block (<see cref="Block"/>) or to fail the next N
/// appends; the query methods are not needed by the writer tests.
/// </summary>
internal sealed class FakeRequestLogStore : IRequestLogStore
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _release = CompletedSource();
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<IReadOnlyList<RequestLogEntry>> Batches { get; } = [];

    public int Calls { get; private set; }

    /// <summary>Appends that throw before one succeeds; <see cref="int.MaxValue"/> for a store that is down.</summary>
    public int FailNext { get; set; }

    public IEnumerable<RequestLogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. Batches.SelectMany(b => b)];
            }
        }
    }

    /// <summary>Makes appends wait until <see cref="Release"/>.</summary>
    public void Block()
    {
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _release.TrySetResult();

    /// <summary>Completes when an append has started (and, if blocked, is waiting).</summary>
    public Task Entered => _entered.Task;

    public async Task AppendAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken = default)
    {
        _entered.TrySetResult();
        await _release.Task;
        lock (_gate)
        {
            Calls++;
            if (FailNext > 0)
            {
                FailNext--;
                throw new IOException("disk is gone");
            }

            Batches.Add([.. batch]);
        }
    }

    public Task<RequestLogPage> ListAsync(RequestLogFilter filter, RequestLogCursor? after, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<RequestLogEntry?> GetAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<RequestLogEntry> ExportAsync(RequestLogFilter filter, int maxRows, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<RequestLogStats> StatsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, int intervalSeconds, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int chunk, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<string> ExplainListAsync(RequestLogFilter filter, RequestLogCursor? after, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}
