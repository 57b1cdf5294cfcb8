using Npgsql;
using Tollgate.Storage;

namespace Tollgate.Tests.Storage;

/// <summary>The user and session contract on PostgreSQL: a database for the class, an empty schema for each test.</summary>
public sealed class PostgresUserStoreContractTests(PostgresDatabase database) : UserStoreContractTests, IClassFixture<PostgresDatabase>
{
    private NpgsqlDataSource? _dataSource;

    public override async Task InitializeAsync() => _dataSource = NpgsqlDataSource.Create(await database.CreateSchemaAsync());

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private protected override IGatewayStore OpenStore() =>
        new PostgresGatewayStore(_dataSource ?? throw new InvalidOperationException("InitializeAsync has not run."), Protector);
}
