using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Configuration;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

public sealed class RequestLogRetentionTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "retention-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteRequestLogStore _store;
    private readonly FakeTimeProvider _time = new(RequestLogEntries.Start);

    public RequestLogRetentionTests() => _store = new SqliteRequestLogStore(Path.Combine(_directory, SqliteRequestLogStore.FileName));

    private RequestLogRetention Retention(int days) =>
        new(_store, () => new ClientConfig { LogRetentionDays = days }, _time, NullLogger<RequestLogRetention>.Instance);

    [Fact]
    public async Task Sweep_DeletesEntriesOlderThanTheRetention_AcrossManyChunks()
    {
        var now = _time.GetUtcNow();
        var old = Enumerable.Range(0, RequestLogRetention.ChunkSize + 10).Select(i => RequestLogEntries.Ok($"old-{i}", now.AddDays(-31).AddSeconds(-i)));
        await _store.AppendAsync([.. old, RequestLogEntries.Ok("keep", now.AddDays(-29))]);

        var deleted = await Retention(30).SweepAsync();

        Assert.Equal(RequestLogRetention.ChunkSize + 10, deleted);
        Assert.Equal(["keep"], (await _store.ListAsync(RequestLogFilter.None, null, 10)).Entries.Select(e => e.Id));
    }

    [Fact]
    public async Task Sweep_RetentionZero_KeepsEverything()
    {
        await _store.AppendAsync([RequestLogEntries.Ok("ancient", _time.GetUtcNow().AddYears(-5))]);

        Assert.Equal(0, await Retention(0).SweepAsync());
        Assert.NotNull(await _store.GetAsync("ancient"));
    }

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
