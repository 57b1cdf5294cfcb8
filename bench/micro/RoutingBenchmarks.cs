using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using Tollgate.Configuration;
using Tollgate.Providers;
using Tollgate.Providers.OpenAICompatible;
using Tollgate.Routing;

namespace Tollgate.Benchmarks;

/// <summary>
/// Key selection per attempt: weighted random choice over a provider's keys, filtered by model globs, exclusions and
/// circuit state (<see cref="KeyHealth"/>). Budget: 0 B/op (tests/Tollgate.Tests/Routing/KeySelectorAllocationTests.cs).
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private ProviderRuntime _one = null!;
    private ProviderRuntime _four = null!;
    private ProviderRuntime _keyless = null!;

    [GlobalSetup]
    public void Setup()
    {
        _one = Provider(Key("a", 1, "*"));
        _four = Provider(Key("a", 1, "*"), Key("b", 3, "gpt-4o*"), Key("c", 6, "gpt-4o-mini", "o3"), Key("d", 2, "claude-*"));
        _keyless = Provider();
    }

    [Benchmark(Description = "KeySelector.TrySelect (1 key, *)")]
    public bool OneKey() => KeySelector.TrySelect(_one, "gpt-4o-mini", 0, Now, out _);

    [Benchmark(Description = "KeySelector.TrySelect (4 keys, globs)")]
    public bool FourKeys() => KeySelector.TrySelect(_four, "gpt-4o-mini", 0, Now, out _);

    [Benchmark(Description = "KeySelector.TrySelect (4 keys, 1 excluded)")]
    public bool FourKeysExcluded() => KeySelector.TrySelect(_four, "gpt-4o-mini", KeySelector.Bit(2), Now, out _);

    [Benchmark(Description = "KeySelector.TrySelect (keyless)")]
    public bool Keyless() => KeySelector.TrySelect(_keyless, "gpt-4o-mini", 0, Now, out _);

    [Benchmark(Description = "KeyHealth.TryAcquire + Completed (closed)")]
    public bool AcquireComplete()
    {
        var health = _four.Health[1];
        var ok = health.TryAcquire(Now, out var probe);
        health.Completed(true, probe, TimeSpan.FromMilliseconds(3), Now);
        return ok;
    }

    internal static ProviderRuntime Provider(params ProviderKeyConfig[] keys) => new()
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

    internal static ProviderKeyConfig Key(string name, double weight, params string[] models) =>
        new() { Id = name, Name = name, Value = "v-" + name, Weight = weight, Models = models };
}
