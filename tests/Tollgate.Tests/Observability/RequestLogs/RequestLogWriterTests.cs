using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Configuration;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

public sealed class RequestLogWriterTests
{
    private static RequestLogWriter Writer(FakeRequestLogStore store, int capacity = 100, ClientConfig? client = null, int retries = 3)
    {
        client ??= new ClientConfig();
        return new RequestLogWriter(store, () => client, TimeProvider.System, NullLogger<RequestLogWriter>.Instance, capacity)
        {
            RetryDelays = [.. Enumerable.Repeat(TimeSpan.Zero, retries)],
        };
    }

    private static RequestLogEntry Entry(int i) => RequestLogEntries.Ok($"w-{i}", RequestLogEntries.Start.AddSeconds(i));

    [Fact]
    public async Task TryEnqueue_QueueFullWhileTheStoreBlocks_ReturnsFalseAtOnceAndCountsTheDrops()
    {
        var store = new FakeRequestLogStore();
        store.Block();
        using var writer = Writer(store, capacity: 5);
        await writer.StartAsync(CancellationToken.None);

        Assert.True(writer.TryEnqueue(Entry(0)));
        // The loop has taken entry 0 and is stuck in the store: the queue itself is empty again.
        await store.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 1; i <= 5; i++)
        {
            Assert.True(writer.TryEnqueue(Entry(i)));
        }

        // Synchronous false, with the store still blocked: the caller never waits.
        Assert.False(writer.TryEnqueue(Entry(6)));
        Assert.False(writer.TryEnqueue(Entry(7)));
        Assert.False(writer.TryEnqueue(Entry(8)));
        Assert.Equal(3, writer.Dropped);
        Assert.Equal(5, writer.QueueDepth);

        store.Release();
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"w-{i}"), store.Entries.Select(e => e.Id));
        Assert.Equal(3, writer.Dropped);
        Assert.Equal(6, writer.Written);
    }

    [Fact]
    public async Task StopAsync_DrainsEverythingQueued_InBatchesOfAtMostAThousand()
    {
        var store = new FakeRequestLogStore();
        using var writer = Writer(store, capacity: 5_000);
        for (var i = 0; i < 2_500; i++)
        {
            Assert.True(writer.TryEnqueue(Entry(i)));
        }

        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(2_500, store.Entries.Count());
        Assert.All(store.Batches, b => Assert.InRange(b.Count, 1, RequestLogWriter.MaxBatch));
        Assert.Equal(0, writer.QueueDepth);
    }

    [Fact]
    public async Task FlushAsync_WritesWhatIsQueued_WithoutWaitingForTheInterval()
    {
        var store = new FakeRequestLogStore();
        using var writer = Writer(store);
        await writer.StartAsync(CancellationToken.None);
        writer.TryEnqueue(Entry(1));
        writer.TryEnqueue(Entry(2));

        await writer.FlushAsync();

        Assert.Equal(["w-1", "w-2"], store.Entries.Select(e => e.Id));
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(2, store.Entries.Count());
    }

    [Fact]
    public async Task FailedBatch_IsRetried_ThenWritten()
    {
        var store = new FakeRequestLogStore { FailNext = 2 };
        using var writer = Writer(store);
        writer.TryEnqueue(Entry(1));

        await writer.FlushAsync();

        Assert.Equal(3, store.Calls);
        Assert.Equal(["w-1"], store.Entries.Select(e => e.Id));
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task FailedBatch_AfterEveryRetry_IsDroppedAndCounted()
    {
        var store = new FakeRequestLogStore { FailNext = int.MaxValue };
        using var writer = Writer(store, retries: 2);
        writer.TryEnqueue(Entry(1));
        writer.TryEnqueue(Entry(2));

        await writer.FlushAsync();

        Assert.Equal(3, store.Calls);
        Assert.Empty(store.Entries);
        Assert.Equal(2, writer.Dropped);
        Assert.Equal(0, writer.Written);
    }

    [Fact]
    public async Task TryEnqueue_LoggingDisabled_QueuesNothingAndDropsNothing()
    {
        var store = new FakeRequestLogStore();
        using var writer = Writer(store, client: new ClientConfig { EnableLogging = false });

        Assert.False(writer.TryEnqueue(Entry(1)));
        await writer.FlushAsync();

        Assert.Empty(store.Entries);
        Assert.Equal(0, writer.Dropped);
        Assert.Equal(0, writer.QueueDepth);
    }

    [Fact]
    public async Task DisableContentLogging_StripsContentBeforeTheStore()
    {
        var store = new FakeRequestLogStore();
        using var writer = Writer(store, client: new ClientConfig { DisableContentLogging = true });
        writer.TryEnqueue(Entry(1) with { RequestBody = "secret prompt", ResponseBody = "answer" });

        await writer.FlushAsync();

        var entry = Assert.Single(store.Entries);
        Assert.Null(entry.RequestBody);
        Assert.Null(entry.ResponseBody);
    }
}
