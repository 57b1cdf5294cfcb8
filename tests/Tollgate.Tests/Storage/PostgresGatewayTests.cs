using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Configuration;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Storage;

/// <summary>Real gateways on PostgreSQL (<c>TOLLGATE_POSTGRES</c>): what one instance stores, the next one finds.</summary>
public sealed class PostgresGatewayTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Model = "openai/gpt-4o-mini";
    private const string ProviderSecret = "sk-test-pg-provider-secret";

    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    // Only prices come from the file; the provider, budget and key are created through the admin API, so they live in
    // the database alone.
    private const string PricingOnly = """
        { "pricing": { "openai/gpt-4o-mini": { "input_per_mtok": 1000, "output_per_mtok": 2000 } } }
        """;

    [Fact]
    public async Task Restart_OnAFreshDataDirectory_RestoresProviderKeyAndBudgetSpend()
    {
        var postgres = await database.CreateSchemaAsync();
        var logs = new CapturingLoggerProvider();
        string keyValue;
        decimal spent;
        await using (var first = await GatewayHost.StartAsync(PricingOnly, CaptureLogs(logs), postgres: postgres))
        {
            var (provider, providerBody) = await first.AdminAsync(HttpMethod.Put, "/api/providers/openai",
                $$"""{ "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa", "value": "{{ProviderSecret}}" }] }""");
            Assert.True(provider.IsSuccessStatusCode, providerBody.ToString());
            var (budget, budgetBody) = await first.AdminAsync(HttpMethod.Post, "/api/budgets",
                """{ "id": "b-pg", "max_limit": 10, "reset_duration": "1M", "calendar_aligned": true }""");
            Assert.True(budget.IsSuccessStatusCode, budgetBody.ToString());
            var (created, key) = await first.AdminAsync(HttpMethod.Post, "/api/virtual-keys", """{ "id": "vk-pg", "name": "pg", "budget_id": "b-pg" }""");
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            keyValue = key.GetProperty("value").GetString()!;

            using var one = await first.ChatAsync(Model, keyValue);
            using var two = await first.ChatAsync(Model, keyValue);
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            Assert.Equal(HttpStatusCode.OK, two.StatusCode);
            spent = one.CostHeader() + two.CostHeader();
            Assert.True(spent > 0, "the calls should have cost something");
        }

        // A new directory: no SQLite file and no local key, so everything below can only come from PostgreSQL.
        await using (var second = await GatewayHost.StartAsync(PricingOnly, CaptureLogs(logs), postgres: postgres))
        {
            Assert.False(File.Exists(Path.Combine(second.Directory, "data", "tollgate.db")));
            var (_, budget) = await second.AdminAsync(HttpMethod.Get, "/api/budgets/b-pg");
            Assert.Equal(spent, budget.GetProperty("spent_usd").GetDecimal());

            using var again = await second.ChatAsync(Model, keyValue);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(ProviderSecret, _emulator.Journal.Entries[^1].Credential);
        }

        // Npgsql and the gateway at every level, Trace included: the password never shows.
        var connection = new NpgsqlConnectionStringBuilder(postgres);
        Assert.Contains("Storage: PostgreSQL at", logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=", logs.Text, StringComparison.OrdinalIgnoreCase);
        // A password that is also the user or database name would show legitimately; test.sh's is neither.
        if (!$"{connection.Username} {connection.Database} {connection.Host}".Contains(connection.Password!, StringComparison.Ordinal))
        {
            Assert.DoesNotContain(connection.Password!, logs.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WrongPassword_StopsTheStart_WithoutShowingThePassword()
    {
        const string WrongPassword = "not-the-password-5d1c9e";
        var postgres = new NpgsqlConnectionStringBuilder(await database.CreateSchemaAsync()) { Password = WrongPassword }.ConnectionString;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(null, postgres: postgres));

        Assert.Contains("password authentication failed", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_WithoutAnEncryptionKey_StopsTheStart_NamingTheKey()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));

        // An empty value on the command line wins over any TOLLGATE_ENCRYPTION_KEY in the environment.
        var error = Assert.Throws<ConfigException>(() => TollgateApp.Build(
            ["--urls", "http://127.0.0.1:0", "--data", directory, "--TOLLGATE_POSTGRES", database.ConnectionString, "--TOLLGATE_ENCRYPTION_KEY", ""]));

        Assert.Equal("TOLLGATE_ENCRYPTION_KEY", error.JsonPath);
        Assert.Contains("TOLLGATE_POSTGRES", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInstanceWithAnotherEncryptionKey_StopsAtStart_NamingTheKey_WhileTheSameKeyStillStarts()
    {
        var postgres = await database.CreateSchemaAsync();
        await using (await GatewayHost.StartAsync(null, postgres: postgres))
        {
        }

        var error = await Assert.ThrowsAsync<ConfigException>(() =>
            GatewayHost.StartAsync(null, postgres: postgres, extraArgs: ["--TOLLGATE_ENCRYPTION_KEY", "a-different-cluster-key"]));
        Assert.Equal("TOLLGATE_ENCRYPTION_KEY", error.JsonPath);
        Assert.DoesNotContain("a-different-cluster-key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayHost.PostgresEncryptionKey, error.Message, StringComparison.Ordinal);

        await using var again = await GatewayHost.StartAsync(null, postgres: postgres);
        using var ready = await again.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Sqlite_WhoseGeneratedKeyWasLost_StopsAtStart_RatherThanFailingOnTheFirstStoredSecret()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        await using (await GatewayHost.StartAsync(null, directory: directory))
        {
        }

        File.Delete(Path.Combine(directory, "data", "encryption.key"));

        var error = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(null, directory: directory));
        Assert.Equal("TOLLGATE_ENCRYPTION_KEY", error.JsonPath);
        Assert.Contains("encryption.key", error.Reason, StringComparison.Ordinal);
    }

    private static Action<IServiceCollection> CaptureLogs(CapturingLoggerProvider logs) => services =>
    {
        services.AddSingleton<ILoggerProvider>(logs);
        // A rule for this provider alone beats the host's "Default: Warning", so it sees everything.
        services.AddLogging(logging => logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
    };
}
