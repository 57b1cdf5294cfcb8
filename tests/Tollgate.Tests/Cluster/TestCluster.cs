using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Cluster;

/// <summary>
/// Three (or more) real gateway processes on one PostgreSQL schema and one Redis, behind nginx round-robin, in front of
/// the upstream emulator: the cluster a platform team runs, on loopback.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string Model = "openai/gpt-4o-mini";

    private TestCluster(string postgres, EmulatorHost emulator, List<ClusterNode> nodes, string configPath, string prefix)
    {
        Postgres = postgres;
        Emulator = emulator;
        Nodes = nodes;
        ConfigPath = configPath;
        Prefix = prefix;
    }

    public string Postgres { get; }

    public EmulatorHost Emulator { get; }

    public List<ClusterNode> Nodes { get; }

    public NginxBalancer Balancer { get; private set; } = null!;

    public string ConfigPath { get; }

    /// <summary>This cluster's Redis key prefix (clusters of parallel tests share the test Redis).</summary>
    public string Prefix { get; }

    /// <param name="governance">The config file's <c>governance</c> section (JSON object body), e.g. rate limits and keys.</param>
    /// <param name="cluster">Extra fields of the <c>cluster</c> section.</param>
    /// <param name="adminToken">False: no TOLLGATE_ADMIN_TOKEN, so the instances bootstrap one themselves.</param>
    public static async Task<TestCluster> StartAsync(string postgres, string redis, EmulatorHost emulator, string governance = "{}",
        string cluster = "", int nodes = 3, bool adminToken = true)
    {
        var prefix = "tg-" + Guid.NewGuid().ToString("N")[..8] + ":";
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "cluster-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "tollgate.json");
        await File.WriteAllTextAsync(configPath, Config(emulator, governance, prefix, cluster));
        var environment = new Dictionary<string, string>
        {
            ["TOLLGATE_POSTGRES"] = postgres,
            ["TOLLGATE_REDIS"] = redis,
            ["TOLLGATE_ENCRYPTION_KEY"] = GatewayHost.PostgresEncryptionKey,
            ["TOLLGATE_ADMIN_PASSWORD"] = "cluster-admin-password-1",
        };
        if (adminToken)
        {
            environment["TOLLGATE_ADMIN_TOKEN"] = GatewayHost.AdminToken;
        }

        var list = Enumerable.Range(0, nodes).Select(i => new ClusterNode(((char)('A' + i)).ToString(), RedisServer.FreePort(), configPath, environment)).ToList();
        var result = new TestCluster(postgres, emulator, list, configPath, prefix);
        try
        {
            // Together, as an orchestrator starts replicas: they must not race on the schema, the first admin or the token.
            await Task.WhenAll(list.Select(n => n.StartAsync()));
            result.Balancer = await NginxBalancer.StartAsync(list.Select(n => n.Port));
        }
        catch
        {
            await result.DisposeAsync();
            throw;
        }

        return result;
    }

    public static string Config(EmulatorHost emulator, string governance, string prefix, string cluster) => $$"""
        {
          "client": { "enforce_auth_on_inference": true, "shutdown_grace_seconds": 10 },
          "providers": { "openai": { "base_url": "{{emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa", "value": "sk-test-cluster", "models": ["*"] }],
                                     "network_config": { "max_retries": 0 } } },
          "pricing": { "openai/gpt-4o-mini": { "input_per_mtok": 1000, "output_per_mtok": 2000 },
                       "openai/gpt-4o-mini-view": { "input_per_mtok": 1000, "output_per_mtok": 2000 } },
          "cluster": { "redis_key_prefix": "{{prefix}}", "heartbeat_seconds": 1, "change_poll_ms": 100{{(cluster.Length > 0 ? ", " + cluster : "")}} },
          "governance": {{governance}}
        }
        """;

    public static async Task<HttpResponseMessage> ChatAsync(HttpClient client, string? virtualKey, string model = Model, int maxTokens = 20,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"hello there governance"}]}""",
                Encoding.UTF8, "application/json"),
        };
        if (virtualKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", virtualKey);
        }

        var response = await client.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response;
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> AdminAsync(HttpClient client, HttpMethod method, string path, string? json = null,
        string token = GatewayHost.AdminToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 && text[0] is '{' or '[' ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    public static decimal Cost(HttpResponseMessage response) =>
        decimal.Parse(response.Headers.GetValues("x-tollgate-cost-usd").Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Spend recorded in the durable store for a virtual key, in USD.</summary>
    public async Task<decimal> RecordedSpendAsync(string virtualKeyId)
    {
        await using var dataSource = NpgsqlDataSource.Create(Postgres);
        await using var command = dataSource.CreateCommand("SELECT COALESCE(SUM(cost_nano), 0) FROM usage_records WHERE virtual_key_id = @id");
        command.Parameters.AddWithValue("id", virtualKeyId);
        return Convert.ToDecimal(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) / 1_000_000_000m;
    }

    /// <summary>Waits (bounded) until the recorded spend stops changing and equals <paramref name="expected"/>; returns the last value.</summary>
    public async Task<decimal> RecordedSpendSettlesAtAsync(string virtualKeyId, decimal expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        decimal spent;
        do
        {
            spent = await RecordedSpendAsync(virtualKeyId);
            if (spent == expected)
            {
                return spent;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return spent;
    }

    public async ValueTask DisposeAsync()
    {
        if (Balancer is not null)
        {
            await Balancer.DisposeAsync();
        }

        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        try
        {
            Directory.Delete(Path.GetDirectoryName(ConfigPath)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
