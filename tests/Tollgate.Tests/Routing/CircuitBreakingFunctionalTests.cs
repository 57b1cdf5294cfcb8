using System.Net;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Routing;

/// <summary>Retries rotate keys, and a key that keeps failing is taken out of rotation: real gateway, emulator faults.</summary>
public sealed class CircuitBreakingFunctionalTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "providers": {
                "openai": {
                  "base_url": "{{_emulator.OpenAIBaseUrl}}",
                  "keys": [{ "name": "k1", "value": "sk-test-cb-1" }, { "name": "k2", "value": "sk-test-cb-2" }],
                  "network_config": { "max_retries": 2, "retry_backoff_initial": 5, "retry_backoff_max": 20 }
                }
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task RateLimitedKey_RotatesToTheOtherKey()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", KeyEquals = "sk-test-cb-1", Status = 429, RetryAfterSeconds = 1, Times = -1 });

        for (var i = 0; i < 10; i++)
        {
            using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("k2", response.Headers.GetValues("x-tollgate-key").Single());
        }
    }

    [Fact]
    public async Task FailingKey_OpensItsCircuit_AndTrafficStopsReachingIt()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", KeyEquals = "sk-test-cb-1", Status = 500, Times = -1 });

        for (var i = 0; i < 30; i++)
        {
            using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (_, health) = await _gateway.AdminAsync(HttpMethod.Get, "/api/routing/health");
        var k1 = health.EnumerateArray().Single(h => h.GetProperty("key").GetString() == "k1");
        Assert.Equal("open", k1.GetProperty("circuit").GetString());
        Assert.True(k1.TryGetProperty("open_until", out _));

        var mark = _emulator.Journal.Mark();
        for (var i = 0; i < 10; i++)
        {
            using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.DoesNotContain(_emulator.Journal.Since(mark), e => e.Credential == "sk-test-cb-1");
    }

    [Fact]
    public async Task AllKeysFailing_GivesTheLastUpstreamError_ThenFailsFastWhileOpen()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 502, Message = "upstream exploded", Times = -1 });

        HttpResponseMessage? last = null;
        for (var i = 0; i < 6; i++)
        {
            last?.Dispose();
            last = await _gateway.ChatAsync("openai/gpt-4o-mini", null);
        }

        // Each call tries both keys (and retries); after five failures per key both circuits are open.
        using var fastFail = await _gateway.ChatAsync("openai/gpt-4o-mini", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fastFail.StatusCode);
        Assert.Equal("circuit_open", (await fastFail.ErrorAsync()).GetProperty("code").GetString());
        Assert.NotNull(fastFail.Headers.RetryAfter);
        last!.Dispose();
    }

    [Fact]
    public async Task AllKeysFailing_ReturnsTheUpstreamStatusAndMessage()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 500, Message = "the model crashed", Times = -1 });

        using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("the model crashed", (await response.ErrorAsync()).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("3", response.Headers.GetValues("x-tollgate-attempts").Single());
    }

    [Fact]
    public async Task RetryAfter_IsWaitedOutBeforeTheRetry()
    {
        // Both keys throttled once with Retry-After: 1; the third attempt must come at least a second after the first.
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 429, RetryAfterSeconds = 1, Times = 2 });
        var mark = _emulator.Journal.Mark();

        using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var attempts = _emulator.Journal.Since(mark);
        Assert.Equal(3, attempts.Count);
        Assert.True(attempts[2].Time - attempts[1].Time >= TimeSpan.FromSeconds(0.95), $"retried after {(attempts[2].Time - attempts[1].Time).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Streams_ReportTimeToFirstToken_InRoutingHealth()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"ttft"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await _gateway.Client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        await Task.Delay(1500);  // the monitor folds measurements once a second

        var (_, health) = await _gateway.AdminAsync(HttpMethod.Get, "/api/routing/health");

        Assert.Contains(health.EnumerateArray(), h => h.TryGetProperty("time_to_first_token_ms", out var ttft) && ttft.ValueKind == System.Text.Json.JsonValueKind.Number);
    }

    [Fact]
    public async Task SlowKey_LosesTrafficWithinSeconds_AndRecoversAfter()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", KeyEquals = "sk-test-cb-1", DelayMs = 200, Times = -1 });

        async Task<double> WeightOfK1After(TimeSpan duration)
        {
            var until = DateTime.UtcNow + duration;
            while (DateTime.UtcNow < until)
            {
                using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var (_, health) = await _gateway.AdminAsync(HttpMethod.Get, "/api/routing/health");
            return health.EnumerateArray().Single(h => h.GetProperty("key").GetString() == "k1").GetProperty("effective_weight").GetDouble();
        }

        var degraded = await WeightOfK1After(TimeSpan.FromSeconds(3));
        var (_, snapshot) = await _gateway.AdminAsync(HttpMethod.Get, "/api/routing/health");
        Assert.True(degraded < 0.5, $"k1 kept weight {degraded} while 200 ms slower than k2: {snapshot.GetRawText()}");

        _emulator.Faults.Clear();
        var recovered = await WeightOfK1After(TimeSpan.FromSeconds(5));
        Assert.True(recovered > degraded, $"k1 did not recover: {degraded} -> {recovered}");
    }
}
