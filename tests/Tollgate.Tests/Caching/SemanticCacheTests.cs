using System.Text.Json;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;
using static Tollgate.Tests.Caching.CacheTestGateway;

namespace Tollgate.Tests.Caching;

/// <summary>
/// The semantic cache against the emulator's bag-of-words embedding model (deterministic: texts sharing most words are
/// near 1, others far): a reworded question in the same context is a <c>semantic-hit</c>; a near miss below the
/// threshold, another context or another key goes upstream.
/// </summary>
public sealed class SemanticCacheTests : IAsyncLifetime
{
    private const string Chat = "/v1/chat/completions";
    private const string Question = "What is the capital of France?";

    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync(Config(_emulator, """
            { "exact": { "enabled": true },
              "semantic": { "enabled": true, "embedding_model": "openai/text-embedding-bow", "threshold": 0.9 } }
            """));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static string Body(string question, string system = "You answer geography questions.") =>
        $$"""{"model":"openai/gpt-4o-mini","messages":[{"role":"system","content":"{{system}}"},{"role":"user","content":"{{question}}"}]}""";

    private static async Task<string> ContentAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    /// <summary>The vector is indexed after the answer went out: ask until it is (bounded; no timing assert).</summary>
    private async Task WarmAsync(string body, string key = VkA)
    {
        using var first = await _gateway.PostAsync(Chat, body, key);
        Assert.Equal("miss", first.CacheStatus());
        for (var i = 0; i < 50; i++)
        {
            using var again = await _gateway.PostAsync(Chat, body, key);
            if (again.CacheStatus() == "hit")
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("the first answer was never stored");
    }

    private int ChatCalls(long mark) => _emulator.Journal.Since(mark).Count(e => e.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal));

    [Theory]
    [InlineData("what is the capital of france")]
    [InlineData("What is the capital city of France?")]
    public async Task ARewordedQuestion_IsASemanticHit_WithTheFirstAnswer(string reworded)
    {
        await WarmAsync(Body(Question));
        var mark = _emulator.Journal.Mark();

        using var similar = await _gateway.PostAsync(Chat, Body(reworded));

        Assert.Equal("semantic-hit", similar.CacheStatus());
        Assert.Equal("Hello from openai! You said: " + Question, await ContentAsync(similar));
        Assert.Equal(0, ChatCalls(mark));
        Assert.Equal(1, _emulator.Journal.Since(mark).Count(e => e.PathAndQuery.Contains("/embeddings", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ANearMiss_BelowTheThreshold_GoesUpstream()
    {
        await WarmAsync(Body(Question));

        using var near = await _gateway.PostAsync(Chat, Body("What is the population of France?"));
        using var far = await _gateway.PostAsync(Chat, Body("How tall is Mount Everest?"));

        Assert.Equal(("miss", "miss"), (near.CacheStatus(), far.CacheStatus()));
        Assert.Contains("population", await ContentAsync(near), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameQuestion_InAnotherContextOrForAnotherKey_Misses()
    {
        await WarmAsync(Body(Question));

        using var otherSystem = await _gateway.PostAsync(Chat, Body("what is the capital of france", "You are a travel agent."));
        using var otherKey = await _gateway.PostAsync(Chat, Body("what is the capital of france"), VkB);

        Assert.Equal(("miss", "miss"), (otherSystem.CacheStatus(), otherKey.CacheStatus()));
    }

    [Fact]
    public async Task TheEmbeddingsOwnTokens_AreCounted()
    {
        await WarmAsync(Body("Which river runs through Paris?"));
        var metrics = await _gateway.Client.GetStringAsync("/metrics");

        Assert.Matches(@"tollgate_cache_embedding_tokens_total [1-9]", metrics);
    }
}
