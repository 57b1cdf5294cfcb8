using System.Collections.Concurrent;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability;

/// <summary>Collects every finished request's entry; entries arrive just after the client has its answer.</summary>
public sealed class CapturingObserver : IRequestObserver
{
    private readonly ConcurrentQueue<RequestLogEntry> _entries = new();

    public void OnCompleted(RequestLogEntry entry) => _entries.Enqueue(entry);

    public int Count => _entries.Count;

    /// <summary>The entries after the first <paramref name="seen"/>, once no more arrive for a moment (requests just answered).</summary>
    public async Task<List<RequestLogEntry>> AfterAsync(int seen)
    {
        var count = -1;
        while (_entries.Count != count)
        {
            count = _entries.Count;
            await Task.Delay(200);
        }

        return [.. _entries.Skip(seen)];
    }

    /// <summary>The entry for one request id (the response's x-request-id); fails the test if it never comes.</summary>
    public async Task<RequestLogEntry> ForAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (_entries.FirstOrDefault(e => e.Id == requestId) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no entry for request {requestId}");
            await Task.Delay(10);
        }
    }
}
