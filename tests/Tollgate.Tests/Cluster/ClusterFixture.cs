using Tollgate.Emulator;
using Tollgate.Tests.Storage;

namespace Tollgate.Tests.Cluster;

/// <summary>One three-instance cluster for the tests of a class that do not break it (they run one after another).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string RpmKey = "sk-tg-cluster-rpm-0000000001";
    public const string RphKey = "sk-tg-cluster-rph-0000000002";
    public const string BudgetKey = "sk-tg-cluster-budget-000003";
    public const string TpmKey = "sk-tg-cluster-tpm-0000000004";
    public const string GateKey = "sk-tg-cluster-gate-000000005";
    public const string WarmKey = "sk-tg-cluster-warm-000000006";
    public const string ViewKey = "sk-tg-cluster-view-000000007";

    private readonly PostgresDatabase _database = new();

    public TestCluster Cluster { get; private set; } = null!;

    public EmulatorHost Emulator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Emulator = await EmulatorHost.StartAsync();
        Cluster = await TestCluster.StartAsync(await _database.CreateSchemaAsync(), RedisServer.Shared, Emulator, $$"""
            {
              "budgets": [{ "id": "b-small", "max_limit": 1.0, "reset_duration": "1d" }, { "id": "b-view", "max_limit": 100.0, "reset_duration": "1d" }],
              "rate_limits": [
                { "id": "rl-60m", "request_max_limit": 60, "request_reset_duration": "1m" },
                { "id": "rl-60h", "request_max_limit": 60, "request_reset_duration": "1h" },
                { "id": "rl-tpm", "token_max_limit": 600, "token_reset_duration": "1h" }
              ],
              "virtual_keys": [
                { "id": "vk-rpm", "name": "rpm", "value": "{{RpmKey}}", "rate_limit_id": "rl-60m" },
                { "id": "vk-rph", "name": "rph", "value": "{{RphKey}}", "rate_limit_id": "rl-60h" },
                { "id": "vk-budget", "name": "budget", "value": "{{BudgetKey}}", "budget_id": "b-small" },
                { "id": "vk-tpm", "name": "tpm", "value": "{{TpmKey}}", "rate_limit_id": "rl-tpm" },
                { "id": "vk-gate", "name": "gate", "value": "{{GateKey}}", "max_concurrent_requests": 4 },
                { "id": "vk-warm", "name": "warm", "value": "{{WarmKey}}" },
                { "id": "vk-view", "name": "view", "value": "{{ViewKey}}", "budget_id": "b-view" }
              ]
            }
            """);

        // A first request JITs the inference path and opens upstream connections; timing tests must not measure that.
        foreach (var node in Cluster.Nodes)
        {
            using var warm = await TestCluster.ChatAsync(node.Client, WarmKey);
            if (warm.StatusCode != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"warm-up on {node.Name}: {(int)warm.StatusCode} {await warm.Content.ReadAsStringAsync()}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
