using System.Collections.Frozen;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Providers.OpenAICompatible;
using Tollgate.Routing;

namespace Tollgate.Tests.Routing;

public sealed class KeySelectorTests
{
    private static ProviderRuntime Provider(params ProviderKeyConfig[] keys) => new()
    {
        Config = new ProviderConfig { Name = "openai", Kind = ProviderKind.OpenAI, BaseUrl = "http://127.0.0.1:1/v1", Keys = keys },
        Traits = ProviderTraits.For(ProviderKind.OpenAI),
        Client = OpenAICompatibleClient.Instance,
        Http = new HttpMessageInvoker(new SocketsHttpHandler()),
        Credentials = FrozenDictionary<string, ICredential>.Empty,
        Health = keys.Select(k => new KeyHealth("openai", k.Name, k.Weight, HealthOptions.Default)).ToArray(),
    };

    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static ProviderKeyConfig Key(string name, double weight, params string[] models) =>
        new() { Id = name, Name = name, Value = "v-" + name, Weight = weight, Models = models.Length == 0 ? ["*"] : models };

    [Fact]
    public void TrySelect_10000Picks_FollowWeightsWithin2Percent()
    {
        var provider = Provider(Key("a", 1), Key("b", 3), Key("c", 6));
        var counts = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(KeySelector.TrySelect(provider, "gpt-4o", 0, Now, out var key));
            counts[key!.Name]++;
        }

        Assert.InRange(counts["a"] / 10_000.0, 0.08, 0.12);
        Assert.InRange(counts["b"] / 10_000.0, 0.28, 0.32);
        Assert.InRange(counts["c"] / 10_000.0, 0.58, 0.62);
    }

    [Fact]
    public void TrySelect_OnlyKeysWhoseGlobsAllowTheModel()
    {
        var provider = Provider(Key("mini", 1, "gpt-4o-mini"), Key("claude", 1, "claude-*"));

        for (var i = 0; i < 100; i++)
        {
            Assert.True(KeySelector.TrySelect(provider, "claude-sonnet-4-5", 0, Now, out var key));
            Assert.Equal("claude", key!.Name);
        }

        Assert.False(KeySelector.TrySelect(provider, "o3", 0, Now, out _));
    }

    [Fact]
    public void TrySelect_ExcludedKeysAreSkipped()
    {
        var provider = Provider(Key("a", 1), Key("b", 1));

        Assert.True(KeySelector.TrySelect(provider, "m", KeySelector.Bit(0), Now, out var key));
        Assert.Equal("b", key!.Name);
        Assert.False(KeySelector.TrySelect(provider, "m", KeySelector.Bit(0) | KeySelector.Bit(1), Now, out _));
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("gpt-4o*", "gpt-4o-mini", true)]
    [InlineData("gpt-4o*", "gpt-4", false)]
    [InlineData("*-instruct", "databricks-meta-llama-3-3-70b-instruct", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    public void Glob_Matches(string pattern, string text, bool expected) => Assert.Equal(expected, Glob.Matches(pattern, text));

    [Fact]
    public void TrySelect_SkipsAKeyWhoseCircuitIsOpen()
    {
        var provider = Provider(Key("a", 1), Key("b", 1));
        for (var i = 0; i < HealthOptions.Default.FailureThreshold; i++)
        {
            Assert.True(provider.Health[0].TryAcquire(Now, out var probe));
            provider.Health[0].Completed(success: false, probe, TimeSpan.FromMilliseconds(5), Now);
        }

        Assert.Equal(CircuitState.Open, provider.Health[0].State);
        for (var i = 0; i < 200; i++)
        {
            Assert.True(KeySelector.TrySelect(provider, "m", 0, Now, out var key));
            Assert.Equal("b", key!.Name);
        }
    }

    [Fact]
    public void TrySelect_FollowsEffectiveWeights()
    {
        var provider = Provider(Key("fast", 1), Key("slow", 1));
        // "slow" answers in 400 ms, "fast" in 100 ms: after a few recomputes "slow" keeps (100+50)/(400+50) = a third.
        for (var round = 0; round < 10; round++)
        {
            foreach (var (health, ms) in new[] { (provider.Health[0], 100), (provider.Health[1], 400) })
            {
                for (var i = 0; i < 20; i++)
                {
                    health.TryAcquire(Now, out var probe);
                    health.Completed(true, probe, TimeSpan.FromMilliseconds(ms), Now);
                }
            }

            HealthMonitor.Recompute(provider.Health, Now);
        }

        var slow = Enumerable.Range(0, 10_000).Count(_ => KeySelector.TrySelect(provider, "m", 0, Now, out var k) && k!.Name == "slow") / 10_000.0;
        Assert.InRange(slow, 0.22, 0.28);  // (1/3) / (1 + 1/3) = 0.25
    }
}
