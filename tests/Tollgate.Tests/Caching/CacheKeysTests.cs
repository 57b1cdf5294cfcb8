using System.Text;
using Tollgate.Caching;
using Tollgate.Configuration;
using Tollgate.Governance.Model;
using Tollgate.Inference;

namespace Tollgate.Tests.Caching;

public sealed class CacheKeysTests
{
    private static UInt128 Key(string body, string scope = "g", string? ns = null, string model = "openai/gpt-4o-mini") =>
        CacheKeys.Compute(scope, ns, InferenceOperation.ChatCompletions, model, Encoding.UTF8.GetBytes(body));

    [Theory]
    [InlineData("""{"a":1,"b":{"y":[1,2],"x":"\u0041"}}""", """{ "b": { "x": "A", "y": [1, 2.0] }, "a": 1.0 }""")]
    [InlineData("""{"messages":[],"stream":true,"stream_options":{"include_usage":true},"user":"u1","metadata":{"k":"v"}}""", """{"messages":[]}""")]
    [InlineData("""{"model":"anything","messages":[]}""", """{"messages":[],"model":"else"}""")]
    public void EquivalentBodies_HaveOneKey(string one, string two) => Assert.Equal(Key(one), Key(two));

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", """{"messages":[{"role":"user","content":"hi "}]}""")]
    [InlineData("""{"temperature":0.2}""", """{"temperature":0.3}""")]
    [InlineData("""{"tools":[1,2]}""", """{"tools":[2,1]}""")]
    [InlineData("""{"messages":[{"role":"user","content":"hi","user":"a"}]}""", """{"messages":[{"role":"user","content":"hi","user":"b"}]}""")]
    public void DifferentBodies_HaveDifferentKeys(string one, string two) => Assert.NotEqual(Key(one), Key(two));

    [Fact]
    public void ScopeNamespaceAndModel_AreAllPartOfTheKey()
    {
        const string body = """{"messages":[]}""";
        var keys = new[] { Key(body), Key(body, scope: "vk:a"), Key(body, ns: "n"), Key(body, model: "azure/gpt-4o-mini"), Key(body, scope: "g", ns: "") };
        Assert.Equal(4, keys.Distinct().Count()); // an empty namespace is no namespace
    }

    [Fact]
    public void Scopes_FollowTheConfiguredSharing()
    {
        var inTeam = new VirtualKey { Id = "k1", Name = "k1", KeyHash = "h", KeyHint = "h", TeamId = "t" };
        var alone = inTeam with { Id = "k2", TeamId = null };

        Assert.Equal("vk:k1", CacheKeys.ScopeOf(CacheScope.VirtualKey, inTeam));
        Assert.Equal("t:t", CacheKeys.ScopeOf(CacheScope.Team, inTeam));
        Assert.Equal("vk:k2", CacheKeys.ScopeOf(CacheScope.Team, alone));
        Assert.Equal("g", CacheKeys.ScopeOf(CacheScope.Global, alone));
        Assert.Equal("anon", CacheKeys.ScopeOf(CacheScope.VirtualKey, null));
    }
}
