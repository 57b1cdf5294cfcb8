using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Emulator;
using Tollgate.Tests.Storage;

namespace Tollgate.Tests.Cluster;

/// <summary>
/// A cluster losing parts: Redis killed in each failure mode and restarted empty, an instance killed with SIGKILL under
/// load, the leader lost, an instance stopped with SIGTERM, and fresh instances racing on the first start.
/// </summary>
[Collection(ClusterProcesses.Name)]
public sealed partial class ClusterFailureTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string BudgetKey = "sk-tg-failure-budget-0000001";
    private const string OpenKey = "sk-tg-failure-open-00000002";

    private const string Governance = $$"""
        {
          "budgets": [{ "id": "b-one", "max_limit": 1.0, "reset_duration": "1d" }],
          "virtual_keys": [
            { "id": "vk-budget", "name": "budget", "value": "{{BudgetKey}}", "budget_id": "b-one" },
            { "id": "vk-open", "name": "open", "value": "{{OpenKey}}" }
          ]
        }
        """;

    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task RedisKilled_InLocalMode_KeepsServingWithDividedLimits_AndAfterARestartTheBudgetIsIntact()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        await using var cluster = await TestCluster.StartAsync(await database.CreateSchemaAsync(), redis.Endpoint, _emulator, Governance,
            """ "redis_failure_mode": "local", "redis_timeout_ms": 200 """);
        var billed = 0m;
        var statuses = new ConcurrentBag<HttpStatusCode>();

        async Task LoadAsync(int calls)
        {
            var responses = new HttpResponseMessage[calls];
            await Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = 10 },
                async (i, token) => responses[i] = await TestCluster.ChatAsync(cluster.Balancer.Client, BudgetKey, cancellationToken: token));
            foreach (var response in responses)
            {
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    billed += TestCluster.Cost(response);
                }
            }
        }

        await LoadAsync(10);
        var load = LoadAsync(30);
        await redis.KillAsync();
        await load;
        await LoadAsync(20);

        // Three live instances, or two when a heartbeat ran late on this busy machine: each enforces its share. Membership
        // is what the last heartbeat saw, so give a late beat (the whole suite shares two cores) a few seconds to land.
        JsonElement readiness = default;
        var instances = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); instances < 2 && DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var (_, ready) = await TestCluster.AdminAsync(cluster.Nodes[0].Client, HttpMethod.Get, "/ready");
            readiness = ready.GetProperty("cluster");
            instances = readiness.GetProperty("instances").GetInt32();
        }

        Assert.Equal("local", readiness.GetProperty("counters").GetString());
        Assert.InRange(instances, 2, 3);
        Assert.Contains($"divided by {instances} live instances", readiness.GetProperty("warning").GetString(), StringComparison.Ordinal);
        var metrics = await cluster.Nodes[0].Client.GetStringAsync("/metrics");
        Assert.Contains("tollgate_cluster_local_counters 1", metrics, StringComparison.Ordinal);
        Assert.Contains(cluster.Nodes.SelectMany(n => n.Lines), l => l.Contains("Redis counters unreachable", StringComparison.Ordinal));

        // Redis comes back empty (no persistence): every instance reconnects by itself, and the budget's spend is
        // rebuilt from the store, so the calls below stop at the same 1 USD, not 1 USD more.
        await redis.StartAsync();
        foreach (var node in cluster.Nodes)
        {
            await ClusterLimitsTests.EventuallyAsync(async () =>
                (await TestCluster.AdminAsync(node.Client, HttpMethod.Get, "/ready")).Body.GetProperty("cluster").GetProperty("counters").GetString() == "redis",
                $"{node.Name} back on Redis", TimeSpan.FromSeconds(15));
        }

        await LoadAsync(100);
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        Assert.Contains(HttpStatusCode.PaymentRequired, statuses);
        Assert.True(billed <= 1.0m, $"billed {billed} USD against a 1 USD budget across a Redis loss");
        Assert.Equal(billed, await cluster.RecordedSpendSettlesAtAsync("vk-budget", billed));
    }

    [Fact]
    public async Task RedisKilled_InFailClosedMode_Answers503WithAClearError_AndRecoversByItself()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        await using var cluster = await TestCluster.StartAsync(await database.CreateSchemaAsync(), redis.Endpoint, _emulator, Governance,
            """ "redis_failure_mode": "fail_closed", "redis_timeout_ms": 200 """);
        using (var before = await TestCluster.ChatAsync(cluster.Balancer.Client, OpenKey))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await redis.KillAsync();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            using var refused = await TestCluster.ChatAsync(cluster.Balancer.Client, OpenKey);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("counters_unavailable", error.GetProperty("code").GetString());
            Assert.Contains("Redis", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {clock.Elapsed.TotalMilliseconds:0} ms: no request may wait long on Redis");
        var (_, ready) = await TestCluster.AdminAsync(cluster.Nodes[1].Client, HttpMethod.Get, "/ready");
        Assert.Equal("unavailable", ready.GetProperty("cluster").GetProperty("counters").GetString());

        await redis.StartAsync();
        await ClusterLimitsTests.EventuallyAsync(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            foreach (var node in cluster.Nodes)
            {
                using var response = await TestCluster.ChatAsync(node.Client, OpenKey);
                statuses.Add(response.StatusCode);
            }

            return statuses.All(s => s == HttpStatusCode.OK);
        }, "every instance serving again", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task KillNine_OfOneInstanceUnderLoad_TheOthersServeWithout5xx_AndRecordedSpendIsWhatWasBilled()
    {
        await using var cluster = await TestCluster.StartAsync(await database.CreateSchemaAsync(), RedisServer.Shared, _emulator, Governance);
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var results = new ConcurrentBag<(string Node, HttpStatusCode Status, decimal Cost, DateTime At)>();
        using var stop = new CancellationTokenSource();

        async Task LoadAsync(ClusterNode node)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await TestCluster.ChatAsync(node.Client, OpenKey);
                    results.Add((node.Name, response.StatusCode, response.StatusCode == HttpStatusCode.OK ? TestCluster.Cost(response) : 0, DateTime.UtcNow));
                }
                catch (HttpRequestException) when (node == b)
                {
                    await Task.Delay(20); // B is dead or restarting
                }
            }
        }

        var load = Enumerable.Range(0, 4).SelectMany(_ => new[] { LoadAsync(a), LoadAsync(b), LoadAsync(c) }).ToList();
        await Task.Delay(1_000);
        await b.KillAsync();
        var killedAt = DateTime.UtcNow;
        await Task.Delay(1_000);
        await b.StartAsync();
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.DoesNotContain(results, r => r.Node != "B" && (int)r.Status >= 500);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var billed = results.Sum(r => r.Cost);
        var recorded = await cluster.RecordedSpendSettlesAtAsync("vk-open", billed);

        // What B had settled but not yet written when it died is lost: at most its last flush window (UsageWriter
        // flushes every 200 ms; counted generously here as the second before the kill).
        var lastWindow = results.Where(r => r.Node == "B" && r.At <= killedAt && r.At > killedAt.AddSeconds(-1)).Sum(r => r.Cost);
        Assert.InRange(billed - recorded, 0m, lastWindow);
    }

    [Fact]
    public async Task LeaderKilled_AnotherInstanceTakesTheLeaseWithinThirtySeconds()
    {
        await using var cluster = await TestCluster.StartAsync(await database.CreateSchemaAsync(), RedisServer.Shared, _emulator, Governance);
        string? leader = null;
        await ClusterLimitsTests.EventuallyAsync(async () => (leader = await LeaderAsync(cluster.Nodes[0])) is not null, "a leader", TimeSpan.FromSeconds(10));
        var (_, view) = await TestCluster.AdminAsync(cluster.Nodes[0].Client, HttpMethod.Get, "/api/cluster");
        var leaderAddress = view.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("leader").GetBoolean()).GetProperty("address").GetString()!;
        var dead = cluster.Nodes.Single(n => leaderAddress.Contains(":" + n.Port, StringComparison.Ordinal));
        await dead.KillAsync();

        var clock = Stopwatch.StartNew();
        var survivor = cluster.Nodes.First(n => n != dead);
        string? next = null;
        await ClusterLimitsTests.EventuallyAsync(async () => (next = await LeaderAsync(survivor)) is not null && next != leader,
            "a new leader", TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
        var (_, after) = await TestCluster.AdminAsync(survivor.Client, HttpMethod.Get, "/api/cluster");
        Assert.DoesNotContain(after.GetProperty("instances").EnumerateArray(), i => i.GetProperty("id").GetString() == leader);
    }

    [Fact]
    public async Task Sigterm_MakesReadyAnswer503AtOnce_LetsTheRequestInFlightFinish_AndRecordsItsSpend()
    {
        await using var cluster = await TestCluster.StartAsync(await database.CreateSchemaAsync(), RedisServer.Shared, _emulator, Governance, nodes: 1);
        var node = cluster.Nodes[0];
        _emulator.Faults.Add(new FaultRule { Provider = "openai", DelayMs = 2_000, Times = 1 });
        var inFlight = TestCluster.ChatAsync(node.Client, OpenKey);
        await Task.Delay(500);
        node.Terminate();

        await ClusterLimitsTests.EventuallyAsync(async () =>
        {
            try
            {
                using var ready = await node.Client.GetAsync("/ready");
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "/ready says 503", TimeSpan.FromSeconds(1));

        using var answer = await inFlight;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(15)), "the process should exit once drained");
        Assert.Equal(0, node.ExitCode);
        Assert.Equal(TestCluster.Cost(answer), await cluster.RecordedSpendAsync("vk-open"));
    }

    [Fact]
    public async Task FreshInstancesStartingTogether_CreateOneAdminToken_ThatWorksOnAll()
    {
        await using var cluster = await TestCluster.StartAsync(await database.CreateSchemaAsync(), RedisServer.Shared, _emulator, Governance, adminToken: false);
        var tokens = cluster.Nodes.SelectMany(n => n.Lines).Select(l => AdminTokenLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var token = Assert.Single(tokens);
        foreach (var node in cluster.Nodes)
        {
            var (response, _) = await TestCluster.AdminAsync(node.Client, HttpMethod.Get, "/api/cluster", token: token);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{node.Name}: {(int)response.StatusCode}\n" + string.Join('\n', cluster.Nodes.SelectMany(n => n.Lines.Select(l => n.Name + ": " + l))));
        }
    }

    private static async Task<string?> LeaderAsync(ClusterNode node)
    {
        var (response, view) = await TestCluster.AdminAsync(node.Client, HttpMethod.Get, "/api/cluster");
        return response.IsSuccessStatusCode && view.TryGetProperty("leader", out var leader) ? leader.GetString() : null;
    }

    [GeneratedRegex(@"generated an admin API token \(shown only this once\): (tga-[A-Za-z0-9_-]+)")]
    private static partial Regex AdminTokenLine();
}
