using Npgsql;

namespace Tollgate.Storage;

/// <summary>
/// Creates PostgreSQL tables at start. Every statement is idempotent (<c>IF NOT EXISTS</c>), but two instances running
/// the same <c>CREATE TABLE IF NOT EXISTS</c> at once can still both pass the existence check and one then fails on
/// the catalog's unique index; a transaction-scoped advisory lock makes concurrent starts take turns instead.
/// </summary>
internal static class PostgresSchema
{
    // Any fixed number works as long as every Tollgate instance uses the same one; this is "Tollgate" in ASCII, so it
    // is recognisable in pg_locks. The lock is per database: instances on other databases do not wait for each other.
    private const long MigrationLockKey = 0x546F6C6C67617465;

    public static void Migrate(NpgsqlDataSource dataSource, string ddl)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            lockCommand.ExecuteNonQuery();
        }

        using (var command = new NpgsqlCommand(ddl, connection, transaction))
        {
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
