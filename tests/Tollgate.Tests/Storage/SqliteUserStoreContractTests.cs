using Microsoft.Data.Sqlite;
using Tollgate.Storage;

namespace Tollgate.Tests.Storage;

/// <summary>The user and session contract on the embedded SQLite file, in a directory of the test's own.</summary>
public sealed class SqliteUserStoreContractTests : UserStoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "sqlite-users-" + Guid.NewGuid().ToString("N"));

    private protected override IGatewayStore OpenStore() => new SqliteGatewayStore(_directory, Protector);

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
