using Microsoft.Data.Sqlite;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

/// <summary>The request log contract on its own SQLite file, in a directory of the test's own.</summary>
public sealed class SqliteRequestLogStoreTests : RequestLogStoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "logs-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqliteRequestLogStore> _stores = [];

    private protected override IRequestLogStore OpenStore()
    {
        var store = new SqliteRequestLogStore(Path.Combine(_directory, SqliteRequestLogStore.FileName));
        _stores.Add(store);
        return store;
    }

    private protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(((SqliteRequestLogStore)OpenStore()).ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public void Open_UsesWriteAheadLogging()
    {
        var store = (SqliteRequestLogStore)OpenStore();
        using var connection = new SqliteConnection(store.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    [Theory]
    [InlineData("status=error", "ix_request_logs_errors")]
    [InlineData("model", "ix_request_logs_model")]
    [InlineData("virtual_key_id", "ix_request_logs_by_vk")]
    [InlineData("team_id", "ix_request_logs_by_team")]
    [InlineData("customer_id", "ix_request_logs_by_customer")]
    [InlineData("error_type", "ix_request_logs_errors")]
    [InlineData("status=429", "ix_request_logs_errors")]
    [InlineData("none", "ix_request_logs_time")]
    public async Task List_PlanUsesTheFiltersIndex_WithoutSorting(string filterName, string index)
    {
        var store = OpenStore();
        await store.AppendAsync(RequestLogEntries.Varied(50));
        var filter = filterName switch
        {
            "status=error" => new RequestLogFilter { Status = RequestLogStatusFilter.Error },
            "model" => new RequestLogFilter { Model = "llama-70b" },
            "virtual_key_id" => new RequestLogFilter { VirtualKeyId = "vk-1" },
            "team_id" => new RequestLogFilter { TeamId = "team-1" },
            "customer_id" => new RequestLogFilter { CustomerId = "cust-1" },
            "error_type" => new RequestLogFilter { ErrorType = "rate_limit_exceeded" },
            "status=429" => new RequestLogFilter { Status = RequestLogStatusFilter.Code, StatusCode = 429 },
            _ => RequestLogFilter.None,
        };

        var plan = await store.ExplainListAsync(filter, new RequestLogCursor(long.MaxValue, long.MaxValue), 50);

        Assert.Contains(index, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    public override Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}
