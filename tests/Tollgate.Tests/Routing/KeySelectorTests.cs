using System.Collections.Frozen;
using Tollgate.Configuration;
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
    };

    private static ProviderKeyConfig Key(string name, double weight, params string[] models) =>
        new() { Id = name, Name = name, Value = "v-" + name, Weight = weight, Models = models.Length == 0 ? ["*"] : models };

    [Fact]
    public void TrySelect_10000Picks_FollowWeightsWithin2Percent()
    {
        var provider = Provider(Key("a", 1), Key("b", 3), Key("c", 6));
        var counts = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(KeySelector.TrySelect(provider, "gpt-4o", 0, out var key));
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
            Assert.True(KeySelector.TrySelect(provider, "claude-sonnet-4-5", 0, out var key));
            Assert.Equal("claude", key!.Name);
        }

        Assert.False(KeySelector.TrySelect(provider, "o3", 0, out _));
    }

    [Fact]
    public void TrySelect_ExcludedKeysAreSkipped()
    {
        var provider = Provider(Key("a", 1), Key("b", 1));

        Assert.True(KeySelector.TrySelect(provider, "m", KeySelector.Bit(0), out var key));
        Assert.Equal("b", key!.Name);
        Assert.False(KeySelector.TrySelect(provider, "m", KeySelector.Bit(0) | KeySelector.Bit(1), out _));
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
}
