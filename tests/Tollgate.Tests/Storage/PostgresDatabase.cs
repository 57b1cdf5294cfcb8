using Npgsql;

namespace Tollgate.Tests.Storage;

/// <summary>
/// A database of its own for one test class, on the server <c>TOLLGATE_TEST_POSTGRES</c> points at, dropped after; each
/// test then takes a fresh schema in it, so classes run in parallel and tests never see each other's rows.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "TOLLGATE_TEST_POSTGRES";

    private string? _serverConnectionString;

    public string Name { get; } = "tollgate_t_" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>This class's database, with the credentials of <c>TOLLGATE_TEST_POSTGRES</c>.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _serverConnectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(_serverConnectionString))
        {
            // Failing, not skipping: a test that cannot fail proves nothing (the team's rule).
            throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL tests have no server. Run ./scripts/test.sh: it installs and starts " +
                $"PostgreSQL on 127.0.0.1 and sets {Variable}. To use a server of your own, set {Variable} to an Npgsql " +
                "connection string (Host=...;Username=...;Password=...;Database=...) of a role allowed to CREATE DATABASE.");
        }

        // A linguistic collation, as most production databases have ("a" < "B"), so a store that leaned on the database's
        // sort order would fail here instead of passing on a server that happens to sort bytewise.
        await ExecuteOnServerAsync($"CREATE DATABASE \"{Name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
        ConnectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = Name }.ConnectionString;
    }

    /// <summary>A new empty schema in this class's database, as a connection string whose search path is that schema.</summary>
    public async Task<string> CreateSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..20];
        await using (var dataSource = NpgsqlDataSource.Create(ConnectionString))
        await using (var command = dataSource.CreateCommand($"CREATE SCHEMA \"{schema}\""))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (ConnectionString.Length > 0)
        {
            // FORCE ends the sessions still pooled by stores that tests left open.
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        }
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_serverConnectionString!);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
