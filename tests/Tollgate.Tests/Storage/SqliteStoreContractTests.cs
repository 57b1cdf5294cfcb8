using Microsoft.Data.Sqlite;
using Tollgate.Governance;
using Tollgate.Governance.Storage;
using Tollgate.Storage;

namespace Tollgate.Tests.Storage;

/// <summary>The storage contract on the embedded SQLite file, in a directory of the test's own.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "sqlite-" + Guid.NewGuid().ToString("N"));

    private protected override IGatewayStore OpenGatewayStore(SecretProtector protector) => new SqliteGatewayStore(_directory, protector);

    private protected override IGovernanceStore OpenGovernanceStore() => new SqliteGovernanceStore(new SqliteGatewayStore(_directory, Protector));

    private protected override string? ReadStoredProviderConfig(string name)
    {
        var store = new SqliteGatewayStore(_directory, Protector);
        using var connection = new SqliteConnection(store.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT config FROM providers WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    public override Task DisposeAsync()
    {
        using (var connection = new SqliteConnection(new SqliteGatewayStore(_directory, Protector).ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

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
