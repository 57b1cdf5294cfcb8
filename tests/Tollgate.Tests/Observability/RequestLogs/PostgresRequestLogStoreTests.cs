using Npgsql;
using Tollgate.Observability.RequestLogs;
using Tollgate.Tests.Storage;

namespace Tollgate.Tests.Observability.RequestLogs;

/// <summary>The request log contract on PostgreSQL: a database for the class, an empty schema for each test.</summary>
public sealed class PostgresRequestLogStoreTests(PostgresDatabase database) : RequestLogStoreContractTests, IClassFixture<PostgresDatabase>
{
    private NpgsqlDataSource? _dataSource;

    private NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public override async Task InitializeAsync() => _dataSource = NpgsqlDataSource.Create(await database.CreateSchemaAsync());

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private protected override IRequestLogStore OpenStore() => new PostgresRequestLogStore(DataSource);

    private protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Append_TextWithANulCharacter_IsStoredWithoutFailingTheBatch()
    {
        var store = OpenStore();
        await store.AppendAsync([RequestLogEntries.Ok("nul", RequestLogEntries.Start) with { ErrorMessage = "bad\0byte", RequestBody = "a\0b" }]);

        var entry = await store.GetAsync("nul");

        Assert.Equal("bad\uFFFDbyte", entry!.ErrorMessage);
        Assert.Equal("a\uFFFDb", entry.RequestBody);
    }
}
