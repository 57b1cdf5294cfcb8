using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Emulator;
using Tollgate.Observability.RequestLogs;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability;
using static Tollgate.Tests.Caching.CacheTestGateway;

namespace Tollgate.Tests.Caching;

/// <summary>The exact cache over real HTTP against the emulator: what the emulator's journal did not see, the cache answered.</summary>
public sealed class ExactCacheTests : IAsyncLifetime
{
    private const string Chat = "/v1/chat/completions";
    private const string Weather = """{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""";
    private const string Clock = """{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}""";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
    private readonly CapturingObserver _observer = new();
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync(Config(_emulator, """{ "exact": { "enabled": true, "ttl_seconds": 300, "scope": "virtual_key" } }"""),
            services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddSingleton<IRequestObserver>(_observer);
            });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static string Body(string content, string extra = "") =>
        $$"""{"model":"openai/gpt-4o-mini","max_tokens":32,"temperature":0.2{{extra}},"messages":[{"role":"user","content":"{{content}}"}]}""";

    private int UpstreamCalls(long mark) => _emulator.Journal.Since(mark).Count(e => e.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal));

    [Fact]
    public async Task ReorderedJsonFields_Hit_AndTheHitCostsNothingUpstream()
    {
        var mark = _emulator.Journal.Mark();
        using var first = await _gateway.PostAsync(Chat, Body("reorder me"));
        using var second = await _gateway.PostAsync(Chat,
            """{ "messages": [ { "content": "reorder me", "role": "user" } ], "temperature": 0.20, "max_tokens": 32, "model": "openai/gpt-4o-mini", "user": "someone-else" }""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("miss", first.CacheStatus());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("hit", second.CacheStatus());
        Assert.Equal(1, UpstreamCalls(mark));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(first.CostHeader() > 0);
        Assert.Equal(0m, second.CostHeader());
        Assert.Equal(first.CostHeader(), decimal.Parse(second.Headers.GetValues("x-tollgate-cache-saved-usd").Single(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("openai", second.Headers.GetValues("x-tollgate-provider").Single());
    }

    [Theory]
    [InlineData(",\"tools\":[" + Weather + "]", ",\"tools\":[" + Clock + "]")]
    [InlineData(",\"tools\":[" + Weather + "]", ",\"tools\":[" + Weather + "],\"tool_choice\":\"none\"")]
    [InlineData(",\"response_format\":{\"type\":\"json_object\"}", "")]
    [InlineData(",\"seed\":1", ",\"seed\":2")]
    public async Task AChangedParameter_Misses(string before, string after)
    {
        var content = "change " + Guid.NewGuid().ToString("N");
        using var first = await _gateway.PostAsync(Chat, Body(content, before));
        using var second = await _gateway.PostAsync(Chat, Body(content, after));
        using var again = await _gateway.PostAsync(Chat, Body(content, after));

        Assert.Equal(("miss", "miss", "hit"), (first.CacheStatus(), second.CacheStatus(), again.CacheStatus()));
    }

    [Fact]
    public async Task AChangedTemperatureOrModel_Misses()
    {
        using var first = await _gateway.PostAsync(Chat, Body("temperature"));
        using var warmer = await _gateway.PostAsync(Chat, Body("temperature").Replace("0.2", "0.9", StringComparison.Ordinal));
        using var otherModel = await _gateway.PostAsync(Chat, Body("temperature").Replace("openai/gpt-4o-mini", "azure/gpt-4o-mini", StringComparison.Ordinal));

        Assert.Equal(("miss", "miss", "miss"), (first.CacheStatus(), warmer.CacheStatus(), otherModel.CacheStatus()));
    }

    [Fact]
    public async Task Ttl_ExpiresOnTheInjectedClock()
    {
        using var first = await _gateway.PostAsync(Chat, Body("ttl"));
        _clock.Advance(TimeSpan.FromSeconds(299));
        using var before = await _gateway.PostAsync(Chat, Body("ttl"));
        _clock.Advance(TimeSpan.FromSeconds(2));
        using var after = await _gateway.PostAsync(Chat, Body("ttl"));

        Assert.Equal(("miss", "hit", "miss"), (first.CacheStatus(), before.CacheStatus(), after.CacheStatus()));
    }

    [Fact]
    public async Task TtlHeader_SetsThisAnswersLifetime_AndZeroKeepsNothing()
    {
        using var first = await _gateway.PostAsync(Chat, Body("ttl header"), VkA, ("x-tollgate-cache-ttl", "10"));
        _clock.Advance(TimeSpan.FromSeconds(11));
        using var expired = await _gateway.PostAsync(Chat, Body("ttl header"), VkA, ("x-tollgate-cache-ttl", "0"));
        using var notKept = await _gateway.PostAsync(Chat, Body("ttl header"));

        Assert.Equal(("miss", "miss", "miss"), (first.CacheStatus(), expired.CacheStatus(), notKept.CacheStatus()));
    }

    [Fact]
    public async Task TwoVirtualKeys_NeverSeeEachOthersAnswers()
    {
        var mark = _emulator.Journal.Mark();
        using var a = await _gateway.PostAsync(Chat, Body("private to a"), VkA);
        using var b = await _gateway.PostAsync(Chat, Body("private to a"), VkB);
        using var mate = await _gateway.PostAsync(Chat, Body("private to a"), VkTeamMate);
        using var anonymous = await _gateway.PostAsync(Chat, Body("private to a"), key: null);
        using var aAgain = await _gateway.PostAsync(Chat, Body("private to a"), VkA);

        Assert.Equal(("miss", "miss", "miss", "miss", "hit"), (a.CacheStatus(), b.CacheStatus(), mate.CacheStatus(), anonymous.CacheStatus(), aAgain.CacheStatus()));
        Assert.Equal(4, UpstreamCalls(mark));
    }

    [Fact]
    public async Task NoCache_GoesUpstreamAndRefreshes_NoStore_KeepsNothing()
    {
        using var stored = await _gateway.PostAsync(Chat, Body("control"));
        using var noCache = await _gateway.PostAsync(Chat, Body("control"), VkA, ("Cache-Control", "no-cache"));
        using var noStoreFirst = await _gateway.PostAsync(Chat, Body("never kept"), VkA, ("Cache-Control", "no-store"));
        using var afterNoStore = await _gateway.PostAsync(Chat, Body("never kept"));

        Assert.Equal(("miss", "bypass", "bypass", "miss"), (stored.CacheStatus(), noCache.CacheStatus(), noStoreFirst.CacheStatus(), afterNoStore.CacheStatus()));
    }

    [Fact]
    public async Task Namespaces_PartitionTheCache()
    {
        using var one = await _gateway.PostAsync(Chat, Body("namespaced"), VkA, ("x-tollgate-cache-namespace", "one"));
        using var two = await _gateway.PostAsync(Chat, Body("namespaced"), VkA, ("x-tollgate-cache-namespace", "two"));
        using var oneAgain = await _gateway.PostAsync(Chat, Body("namespaced"), VkA, ("x-tollgate-cache-namespace", "one"));

        Assert.Equal(("miss", "miss", "hit"), (one.CacheStatus(), two.CacheStatus(), oneAgain.CacheStatus()));
    }

    [Fact]
    public async Task AKeyWithCachingOff_IsNeverCachedNorTold()
    {
        using var first = await _gateway.PostAsync(Chat, Body("off for d"), VkNoCache);
        using var second = await _gateway.PostAsync(Chat, Body("off for d"), VkNoCache);

        Assert.Null(first.CacheStatus());
        Assert.Null(second.CacheStatus());
    }

    [Fact]
    public async Task AHit_IsLoggedWithTheCostItSaved_AndCounted()
    {
        using var first = await _gateway.PostAsync(Chat, Body("log the hit"));
        using var hit = await _gateway.PostAsync(Chat, Body("log the hit"));
        var missEntry = await _observer.ForAsync(first.Headers.GetValues("x-request-id").Single());
        var hitEntry = await _observer.ForAsync(hit.Headers.GetValues("x-request-id").Single());

        Assert.Equal("miss", missEntry.Cache);
        Assert.Equal("hit", hitEntry.Cache);
        Assert.Equal(0, hitEntry.CostNano);
        Assert.Equal(missEntry.CostNano, hitEntry.CacheSavedNano);
        Assert.Equal(0, hitEntry.Attempts);
        Assert.Equal(("openai", "gpt-4o-mini"), (hitEntry.Provider, hitEntry.Model));
        Assert.Equal(missEntry.PromptTokens, hitEntry.PromptTokens);

        await _gateway.Services.GetRequiredService<RequestLogWriter>().FlushAsync();
        var (_, logged) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs/" + hitEntry.Id);
        Assert.Equal("hit", logged.GetProperty("cache").GetString());
        Assert.True(logged.GetProperty("cache_saved_usd").GetDecimal() > 0);

        var metrics = await _gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("tollgate_cache_requests_total{result=\"hit\"}", metrics, StringComparison.Ordinal);
        Assert.Matches(@"tollgate_cache_saved_usd_total [0-9.e-]+", metrics);
        Assert.DoesNotContain("tollgate_cache_saved_usd_total 0\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJsonAnswer_ServesAStreamRequest_AndAStreamServesJson()
    {
        var mark = _emulator.Journal.Mark();
        using var json = await _gateway.PostAsync(Chat, Body("shape shift"));
        using var stream = await _gateway.PostAsync(Chat, Body("shape shift", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        var text = await stream.Content.ReadAsStringAsync();

        Assert.Equal("hit", stream.CacheStatus());
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        var answer = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        var data = await Sse.ReadDataAsync(stream);
        Assert.Equal(answer, Sse.JoinedContent(data));
        Assert.True(JsonDocument.Parse(data[^2]).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.EndsWith("data: [DONE]", text.TrimEnd(), StringComparison.Ordinal);

        using var streamFirst = await _gateway.PostAsync(Chat, Body("stream first", ",\"stream\":true"));
        using var jsonAfter = await _gateway.PostAsync(Chat, Body("stream first"));
        Assert.Equal(("miss", "hit"), (streamFirst.CacheStatus(), jsonAfter.CacheStatus()));
        var folded = JsonDocument.Parse(await jsonAfter.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        Assert.Equal("Hello from openai! You said: stream first", folded.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", folded.GetProperty("finish_reason").GetString());
        Assert.Equal(2, UpstreamCalls(mark));
    }
}
