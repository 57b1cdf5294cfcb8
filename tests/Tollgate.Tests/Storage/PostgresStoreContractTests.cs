using Npgsql;
using Tollgate.Governance;
using Tollgate.Governance.Storage;
using Tollgate.Storage;

namespace Tollgate.Tests.Storage;

/// <summary>The storage contract on PostgreSQL: a database for the class, an empty schema for each test.</summary>
public sealed class PostgresStoreContractTests(PostgresDatabase database) : StoreContractTests, IClassFixture<PostgresDatabase>
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

    private protected override IGatewayStore OpenGatewayStore(SecretProtector protector) => new PostgresGatewayStore(DataSource, protector);

    private protected override IGovernanceStore OpenGovernanceStore() => new PostgresGovernanceStore(DataSource);

    private protected override string? ReadStoredProviderConfig(string name)
    {
        using var command = DataSource.CreateCommand("SELECT config FROM providers WHERE name = @name");
        command.Parameters.AddWithValue("name", name);
        return command.ExecuteScalar() as string;
    }
}
