using System.Collections.Frozen;
using Tollgate.Configuration;
using Tollgate.Providers;
using Tollgate.Providers.OpenAICompatible;
using Tollgate.Routing;

namespace Tollgate.Tests.Routing;

/// <summary>
/// Key selection runs on every attempt and must not allocate (issue 8; bench/micro/README.md keeps the budget).
/// Allocation per thread is deterministic, so these are exact checks, not timings.
/// </summary>
public sealed class KeySelectorAllocationTests
{
    private const int Calls = 1_000;
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static ProviderRuntime Provider(params ProviderKeyConfig[] keys) => new()
    {
        Config = new ProviderConfig { Name = "openai", Kind = ProviderKind.OpenAI, BaseUrl = "http://127.0.0.1:1/v1", Keys = keys },
        Traits = ProviderTraits.For(ProviderKind.OpenAI),
        Client = OpenAICompatibleClient.Instance,
        Http = new HttpMessageInvoker(new SocketsHttpHandler()),
        Credentials = FrozenDictionary<string, ICredential>.Empty,
        Health = keys.Length == 0
            ? [new KeyHealth("openai", "", 1, HealthOptions.Default)]
            : keys.Select(k => new KeyHealth("openai", k.Name, k.Weight, HealthOptions.Default)).ToArray(),
    };

    private static ProviderKeyConfig Key(string name, double weight, params string[] models) =>
        new() { Id = name, Name = name, Value = "v-" + name, Weight = weight, Models = models };

    private static long AllocatedBy(Action action)
    {
        action(); // first calls may JIT, initialise statics or Random.Shared
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TrySelect_WithGlobsAndSeveralKeys_AllocatesNothing()
    {
        var provider = Provider(Key("a", 1, "*"), Key("b", 3, "gpt-4o*"), Key("c", 6, "gpt-4o-mini", "o3"), Key("d", 2, "claude-*"));
        var picked = 0;

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                picked += KeySelector.TrySelect(provider, "gpt-4o-mini", 0, Now, out var key) && key is not null ? 1 : 0;
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(2 * Calls, picked);
    }

    [Fact]
    public void TrySelect_WithExclusionsAndZeroWeights_AllocatesNothing()
    {
        var provider = Provider(Key("a", 0, "gpt-*"), Key("b", 0, "*"), Key("c", 1, "o3"));

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                Assert.True(KeySelector.TrySelect(provider, "gpt-4o-mini", KeySelector.Bit(0), Now, out var key));
                Assert.Equal("b", key!.Name);
                Assert.False(KeySelector.TrySelect(provider, "gpt-4o-mini", KeySelector.Bit(0) | KeySelector.Bit(1), Now, out _));
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void KeyHealth_AcquireAndComplete_AllocatesNothing()
    {
        var provider = Provider(Key("a", 1, "*"));
        var health = provider.Health[0];

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                Assert.True(health.TryAcquire(Now, out var probe));
                health.Completed(true, probe, TimeSpan.FromMilliseconds(3), Now);
            }
        });

        Assert.Equal(0, allocated);
    }
}
