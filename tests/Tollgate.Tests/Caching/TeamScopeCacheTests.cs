using Tollgate.Emulator;
using Tollgate.Tests.Functional;
using static Tollgate.Tests.Caching.CacheTestGateway;

namespace Tollgate.Tests.Caching;

/// <summary><c>scope: team</c> shares answers between keys of one team, and with no one else; <c>global</c> with everyone.</summary>
public sealed class TeamScopeCacheTests
{
    private const string Chat = "/v1/chat/completions";
    private const string Body = """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"team answer"}]}""";

    [Fact]
    public async Task TeamScope_SharesWithinTheTeamOnly()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Config(emulator, """{ "exact": { "scope": "team" } }"""));

        using var a = await gateway.PostAsync(Chat, Body, VkA);
        using var mate = await gateway.PostAsync(Chat, Body, VkTeamMate);
        using var outsider = await gateway.PostAsync(Chat, Body, VkB);

        Assert.Equal(("miss", "hit", "miss"), (a.CacheStatus(), mate.CacheStatus(), outsider.CacheStatus()));
    }

    [Fact]
    public async Task GlobalScope_SharesWithEveryone()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Config(emulator, """{ "exact": { "scope": "global" } }"""));

        using var a = await gateway.PostAsync(Chat, Body, VkA);
        using var b = await gateway.PostAsync(Chat, Body, VkB);

        Assert.Equal(("miss", "hit"), (a.CacheStatus(), b.CacheStatus()));
    }

    [Fact]
    public async Task NoCacheSection_NoHeader()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(GatewayFixture.BuildConfig(emulator));

        using var first = await gateway.PostAsync(Chat, Body, key: null);
        using var second = await gateway.PostAsync(Chat, Body, key: null);

        Assert.Null(second.CacheStatus());
    }
}
