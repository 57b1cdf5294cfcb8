using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Emulator;
using Tollgate.Tests.Cluster;
using Tollgate.Tests.Functional;
using static Tollgate.Tests.Caching.CacheTestGateway;

namespace Tollgate.Tests.Caching;

/// <summary>
/// Two gateway instances sharing the Redis scripts/test.sh starts (<c>TOLLGATE_REDIS</c>, a key prefix of their own): an
/// answer one keeps, the other serves; scopes hold across instances; a stream kept by one replays on the other in another
/// client dialect; expiry follows the injected clock.
/// </summary>
public sealed class RedisCacheTests : IAsyncLifetime
{
    private const string Chat = "/v1/chat/completions";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 11, 0, 0, TimeSpan.Zero));
    private EmulatorHost _emulator = null!;
    private GatewayHost _one = null!;
    private GatewayHost _two = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        var prefix = "tg-cache-" + Guid.NewGuid().ToString("N")[..8] + ":";
        var config = Config(_emulator, """{ "exact": { "enabled": true, "ttl_seconds": 60 } }""").TrimEnd();
        config = config[..^1] + $$""", "cluster": { "redis_key_prefix": "{{prefix}}" } }""";
        string[] redis = ["--TOLLGATE_REDIS", RedisServer.Shared];
        _one = await GatewayHost.StartAsync(config, services => services.AddSingleton<TimeProvider>(_clock), extraArgs: redis);
        _two = await GatewayHost.StartAsync(config, services => services.AddSingleton<TimeProvider>(_clock), extraArgs: redis);
    }

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static string Body(string content, bool stream = false) =>
        $$"""{"model":"openai/gpt-4o-mini","max_tokens":40{{(stream ? ",\"stream\":true" : "")}},"messages":[{"role":"user","content":"{{content}}"}]}""";

    /// <summary>A store is written after the answer went out: wait until the other instance sees it (bounded, no timing assert).</summary>
    private static async Task<HttpResponseMessage> UntilHitAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var i = 0; ; i++)
        {
            var response = await send();
            if (response.CacheStatus() == "hit" || i == 50)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task AnAnswerKeptByOneInstance_IsServedByTheOther()
    {
        using var first = await _one.PostAsync(Chat, Body("shared answer"));
        var mark = _emulator.Journal.Mark();
        using var second = await UntilHitAsync(() => _two.PostAsync(Chat, Body("shared answer")));

        Assert.Equal(("miss", "hit"), (first.CacheStatus(), second.CacheStatus()));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Empty(_emulator.Journal.Since(mark));
    }

    [Fact]
    public async Task TwoVirtualKeys_NeverSeeEachOthersAnswers_AcrossInstances()
    {
        using var a = await _one.PostAsync(Chat, Body("only for a"), VkA);
        using var aOnTwo = await UntilHitAsync(() => _two.PostAsync(Chat, Body("only for a"), VkA));
        using var b = await _two.PostAsync(Chat, Body("only for a"), VkB);
        using var bOnOne = await _one.PostAsync(Chat, Body("only for a"), VkB);

        Assert.Equal(("miss", "hit", "miss"), (a.CacheStatus(), aOnTwo.CacheStatus(), b.CacheStatus()));
        Assert.Equal("hit", bOnOne.CacheStatus()); // b's own answer, kept by instance two
    }

    [Fact]
    public async Task AStreamKeptByOne_ReplaysOnTheOther_ToAnAnthropicClient()
    {
        using var stream = await _one.PostAsync(Chat, Body("stream across", stream: true));
        var anthropic = """{"model":"openai/gpt-4o-mini","max_tokens":40,"stream":true,"messages":[{"role":"user","content":"stream across"}]}""";
        using var replay = await UntilHitAsync(() => _two.PostAsync("/anthropic/v1/messages", anthropic));
        var text = await replay.Content.ReadAsStringAsync();

        Assert.Equal("hit", replay.CacheStatus());
        Assert.StartsWith("event: message_start", text, StringComparison.Ordinal);
        Assert.Contains("You said: stream across", string.Concat(text.Split('\n').Where(l => l.Contains("text_delta", StringComparison.Ordinal))
            .Select(l => System.Text.Json.JsonDocument.Parse(l[6..]).RootElement.GetProperty("delta").GetProperty("text").GetString())), StringComparison.Ordinal);
        Assert.Contains("event: message_stop", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_FollowsTheInjectedClock()
    {
        using var first = await _one.PostAsync(Chat, Body("expiring"));
        using var fresh = await UntilHitAsync(() => _two.PostAsync(Chat, Body("expiring")));
        _clock.Advance(TimeSpan.FromSeconds(61));
        using var expired = await _two.PostAsync(Chat, Body("expiring"));

        Assert.Equal(("hit", "miss"), (fresh.CacheStatus(), expired.CacheStatus()));
    }
}
