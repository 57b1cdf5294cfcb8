using Microsoft.Extensions.Time.Testing;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Routing;
using static Tollgate.Tests.Pipeline.PipelineFakes;

namespace Tollgate.Tests.Pipeline;

/// <summary>The attempt loop against a scripted upstream and a fake clock: no sockets, no sleeping.</summary>
public sealed class AttemptLoopTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private AttemptLoop Loop(IUpstreamExchange upstream) => new(upstream, new RouteHealthRegistry(), NoModelLimits, _time);

    /// <summary>Lets the loop run until it waits on the fake clock (or ends).</summary>
    private static async Task SettleAsync(Task task)
    {
        for (var i = 0; i < 50 && !task.IsCompleted; i++)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task RateLimited_AnotherKeyFree_RotatesAtOnceWithoutWaiting()
    {
        var provider = Provider(new NetworkConfig { MaxRetries = 2 }, null, Key("k1"), Key("k2"));
        var upstream = new ScriptedUpstream(Upstream(429), null);
        var call = Call(provider);

        var error = await Loop(upstream).RunAsync(call, default);

        Assert.Null(error);
        Assert.Equal(2, upstream.Attempts.Count);
        Assert.NotEqual(upstream.Attempts[0].Key, upstream.Attempts[1].Key);
        Assert.Equal(2, call.Attempts);
        Assert.True(call.Succeeded);
    }

    [Fact]
    public async Task RateLimited_RetryAfterBeyondCap_ReturnsThe429WithoutWaiting()
    {
        var provider = Provider(new NetworkConfig { MaxRetries = 3 }, null, Key("k1"));
        var upstream = new ScriptedUpstream(Upstream(429, retryAfterSeconds: (int)AttemptLoop.MaxRetryAfter.TotalSeconds + 1), null);

        var error = await Loop(upstream).RunAsync(Call(provider), default);

        Assert.NotNull(error);
        Assert.Equal(429, error.Status);
        Assert.Equal(11, error.RetryAfterSeconds);
        Assert.Single(upstream.Attempts);
    }

    [Fact]
    public async Task RateLimited_RetryAfterWithinCap_WaitsExactlyThatLongOnTheClock()
    {
        var provider = Provider(new NetworkConfig { MaxRetries = 1 }, null, Key("k1"));
        var upstream = new ScriptedUpstream(Upstream(429, retryAfterSeconds: 3), null);

        var run = Loop(upstream).RunAsync(Call(provider), default);
        await SettleAsync(run);
        Assert.False(run.IsCompleted);
        Assert.Single(upstream.Attempts);

        _time.Advance(TimeSpan.FromSeconds(2.9));
        await SettleAsync(run);
        Assert.False(run.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, upstream.Attempts.Count);
    }

    [Fact]
    public async Task ServerError_OneKey_BacksOffWithinTheJitterWindowThenRetries()
    {
        var network = new NetworkConfig { MaxRetries = 2, RetryBackoffInitial = TimeSpan.FromMilliseconds(400), RetryBackoffMax = TimeSpan.FromSeconds(5) };
        var provider = Provider(network, null, Key("k1"));
        var upstream = new ScriptedUpstream(Upstream(503), Upstream(502), null);

        var run = Loop(upstream).RunAsync(Call(provider), default);
        await SettleAsync(run);
        Assert.Single(upstream.Attempts);

        // First backoff: 400 ms with jitter on the upper half, so between 200 and 400 ms.
        _time.Advance(TimeSpan.FromMilliseconds(199));
        await SettleAsync(run);
        Assert.Single(upstream.Attempts);
        _time.Advance(TimeSpan.FromMilliseconds(201));
        await SettleAsync(run);
        Assert.Equal(2, upstream.Attempts.Count);

        // Second backoff doubles: 400 to 800 ms.
        _time.Advance(TimeSpan.FromMilliseconds(399));
        await SettleAsync(run);
        Assert.Equal(2, upstream.Attempts.Count);
        _time.Advance(TimeSpan.FromMilliseconds(401));
        Assert.Null(await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, upstream.Attempts.Count);
    }

    [Fact]
    public async Task ServerError_RetriesExhausted_ReturnsTheLastError()
    {
        var network = new NetworkConfig { MaxRetries = 1, RetryBackoffInitial = TimeSpan.FromMilliseconds(10), RetryBackoffMax = TimeSpan.FromMilliseconds(10) };
        var upstream = new ScriptedUpstream(Upstream(500), Upstream(503));

        var run = Loop(upstream).RunAsync(Call(Provider(network, null, Key("k1"))), default);
        await SettleAsync(run);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var error = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(503, error?.Status);
        Assert.Equal(2, upstream.Attempts.Count);
    }

    [Fact]
    public async Task Unauthorized_RefreshableCredential_RefreshesOnceThenGivesUp()
    {
        var credential = new RefreshingCredential();
        var provider = Provider(new NetworkConfig { MaxRetries = 3 }, new Dictionary<string, ICredential> { ["k1"] = credential }, Key("k1"));
        var upstream = new ScriptedUpstream(Upstream(401));

        var error = await Loop(upstream).RunAsync(Call(provider), default);

        Assert.Equal(401, error?.Status);
        Assert.Equal(1, credential.Invalidations);
        Assert.Equal(["token-1", "token-2"], upstream.Attempts.Select(a => a.Secret));
    }

    [Fact]
    public async Task Unauthorized_RefreshedTokenWorks_Succeeds()
    {
        var credential = new RefreshingCredential();
        var provider = Provider(new NetworkConfig(), new Dictionary<string, ICredential> { ["k1"] = credential }, Key("k1"));
        var upstream = new ScriptedUpstream(Upstream(401), null);

        Assert.Null(await Loop(upstream).RunAsync(Call(provider), default));
        Assert.Equal(1, credential.Invalidations);
        Assert.Equal(2, upstream.Attempts.Count);
    }

    [Fact]
    public async Task Stream_UpstreamFailsBeforeTheFirstByte_FailsOverToAnotherKey()
    {
        var provider = Provider(new NetworkConfig { MaxRetries = 1 }, null, Key("k1"), Key("k2"));
        var upstream = new ScriptedUpstream(Upstream(503), null);
        var call = Call(provider, stream: true);

        Assert.Null(await Loop(upstream).RunAsync(call, default));
        Assert.Equal(2, upstream.Attempts.Count);
        Assert.NotEqual(upstream.Attempts[0].Key, upstream.Attempts[1].Key);
        Assert.Equal(upstream.Attempts[1].Key, call.Key?.Name);
    }

    [Fact]
    public async Task Stream_DroppedAfterTheFirstByte_IsNotRetried()
    {
        // Once the relay started the client's stream, the exchange reports it done (the relay wrote the error event).
        var provider = Provider(new NetworkConfig { MaxRetries = 3 }, null, Key("k1"), Key("k2"));
        var upstream = new ScriptedUpstream(null, Upstream(503));

        Assert.Null(await Loop(upstream).RunAsync(Call(provider, stream: true), default));
        Assert.Single(upstream.Attempts);
    }

    [Fact]
    public async Task ClientError_IsNotRetried()
    {
        var provider = Provider(new NetworkConfig { MaxRetries = 3 }, null, Key("k1"), Key("k2"));
        var upstream = new ScriptedUpstream(GatewayError.BadRequest("bad"), null);

        Assert.Equal(400, (await Loop(upstream).RunAsync(Call(provider), default))?.Status);
        Assert.Single(upstream.Attempts);
    }

    [Fact]
    public void Backoff_RetryAfterAtTheCap_IsHonoured_AndBeyondIsNot()
    {
        var network = new NetworkConfig();
        Assert.Equal(AttemptLoop.MaxRetryAfter, AttemptLoop.Backoff(network, 1, (int)AttemptLoop.MaxRetryAfter.TotalSeconds));
        Assert.Null(AttemptLoop.Backoff(network, 1, (int)AttemptLoop.MaxRetryAfter.TotalSeconds + 1));
    }

    [Fact]
    public void RetryAfterDate_IsReadAgainstTheInjectedClock()
    {
        var header = new System.Net.Http.Headers.RetryConditionHeaderValue(_time.GetUtcNow().AddSeconds(7));
        Assert.Equal(7, UpstreamExchange.RetryAfterSeconds(header, _time.GetUtcNow()));
        Assert.Equal(0, UpstreamExchange.RetryAfterSeconds(header, _time.GetUtcNow().AddMinutes(1)));
    }
}
