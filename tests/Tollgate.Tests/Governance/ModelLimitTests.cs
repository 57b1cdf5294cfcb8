using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Governance;

/// <summary>Databricks-style model limits: queries per second/hour, input/output tokens per minute, per key.</summary>
public sealed class ModelLimitTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private Task<GatewayHost> StartAsync(string modelLimits) => GatewayHost.StartAsync($$"""
        {
          "providers": {
            "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [
              { "name": "k1", "value": "sk-test-limit-1" }, { "name": "k2", "value": "sk-test-limit-2" } ] }
          },
          "governance": { "model_limits": {{modelLimits}} }
        }
        """, services => services.AddSingleton<TimeProvider>(_clock));

    [Fact]
    public async Task QueriesPerSecond_DeniesTheThirdInASecond_AndAllowsAfterIt()
    {
        await using var gateway = await StartAsync("""[{ "id": "qps", "provider": "openai", "model": "gpt-4o*", "queries_per_second": 2 }]""");

        using var first = await gateway.ChatAsync("openai/gpt-4o-mini", null);
        using var second = await gateway.ChatAsync("openai/gpt-4o-mini", null);
        using var third = await gateway.ChatAsync("openai/gpt-4o-mini", null);
        using var otherModel = await gateway.ChatAsync("openai/o3", null);
        _clock.Advance(TimeSpan.FromSeconds(1));
        using var later = await gateway.ChatAsync("openai/gpt-4o-mini", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("model_rate_limit_exceeded", (await third.ErrorAsync()).GetProperty("code").GetString());
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, otherModel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task KeyScopedLimit_RotatesToAnotherKey()
    {
        await using var gateway = await StartAsync("""[{ "id": "k1-hourly", "provider": "openai", "key": "k1", "queries_per_hour": 1 }]""");
        var mark = _emulator.Journal.Mark();

        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.ChatAsync("openai/gpt-4o-mini", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var credentials = _emulator.Journal.Since(mark).Select(e => e.Credential).ToList();
        Assert.Equal(6, credentials.Count);
        Assert.True(credentials.Count(c => c == "sk-test-limit-1") <= 1);
    }

    [Fact]
    public async Task OutputTokensPerMinute_ChargesTheRealOutput()
    {
        await using var gateway = await StartAsync("""[{ "id": "otpm", "provider": "openai", "output_tokens_per_minute": 20 }]""");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await gateway.ChatAsync("openai/gpt-4o-mini", null, maxTokens: 8);
            statuses.Add(response.StatusCode);
        }

        // Each answer is ~8 tokens: about three fit in 20 output tokens a minute, then the bucket is in debt.
        Assert.InRange(statuses.TakeWhile(s => s == HttpStatusCode.OK).Count(), 2, 4);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        _clock.Advance(TimeSpan.FromMinutes(2));
        using var later = await gateway.ChatAsync("openai/gpt-4o-mini", null, maxTokens: 8);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task ModelLimit_WithNoLimitField_FailsStartWithItsPath()
    {
        var ex = await Assert.ThrowsAsync<Tollgate.Configuration.ConfigException>(() => StartAsync("""[{ "id": "empty", "provider": "openai" }]"""));

        Assert.Equal("$.governance.model_limits[0]", ex.JsonPath);
    }
}
