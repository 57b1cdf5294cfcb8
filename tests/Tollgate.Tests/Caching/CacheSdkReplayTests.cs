using System.Collections;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Emulator;
using Tollgate.Observability.RequestLogs;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability;
using Tollgate.Tests.Sdk;

namespace Tollgate.Tests.Caching;

/// <summary>
/// Cached streams replayed to the real npm SDKs: each scenario of tests/sdk-node runs twice against a gateway with a
/// global exact cache; the second run must pass the scenario's own assertions (event grammar, usage, tool calls) while
/// the emulator sees no request and the log says <c>hit</c>. OpenAI chunks are replayed to OpenAI clients as is and
/// through the Anthropic and Responses sinks; a passthrough's own events (Anthropic to Anthropic, Responses to OpenAI)
/// are replayed to their dialect.
/// </summary>
public sealed class CacheSdkReplayTests : IAsyncLifetime
{
    private const string Databricks = "databricks/databricks-meta-llama-3-3-70b-instruct";

    private readonly CapturingObserver _observer = new();
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        var config = GatewayFixture.BuildConfig(_emulator).TrimEnd();
        config = config[..^1] + """, "cache": { "exact": { "enabled": true, "scope": "global" } } }""";
        _gateway = await GatewayHost.StartAsync(config, services => services.AddSingleton<IRequestObserver>(_observer));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "openai", "chat-stream", "openai/gpt-4o-mini" },
        { "openai", "chat-stream", Databricks },
        { "openai", "chat-stream-tools", "openai/gpt-4o-mini" },
        { "openai", "responses-stream", "openai/gpt-4o-mini" },
        { "openai", "responses-stream", Databricks },
        { "anthropic", "stream", "anthropic/claude-sonnet-4-5" },
        { "anthropic", "stream", "openai/gpt-4o-mini" },
        { "anthropic", "stream-tools", Databricks },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ASecondRun_IsServedFromCache_AndTheSdkAcceptsTheReplay(string sdk, string scenario, string model)
    {
        await RunAsync(sdk, scenario, model);
        var mark = _emulator.Journal.Mark();
        var seen = _observer.Count;

        await RunAsync(sdk, scenario, model);

        var upstream = _emulator.Journal.Since(mark).Select(e => e.Method + " " + e.PathAndQuery).ToList();
        Assert.True(upstream.Count == 0, string.Join("\n", upstream));
        var entries = await _observer.AfterAsync(seen);
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.Equal("hit", e.Cache));
        Assert.All(entries, e => Assert.True(e.Stream));
    }

    private Task RunAsync(string sdk, string scenario, string model)
    {
        var environment = new Dictionary<string, string?>
        {
            ["TOLLGATE_BASE_URL"] = _gateway.BaseUrl + "/v1",
            ["TOLLGATE_ANTHROPIC_BASE_URL"] = _gateway.BaseUrl + "/anthropic",
            ["TOLLGATE_API_KEY"] = "no-virtual-key",
            ["TOLLGATE_MODEL"] = model,
        };
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && (name.StartsWith("ANTHROPIC_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("OPENAI_", StringComparison.OrdinalIgnoreCase)))
            {
                environment[name] = null;
            }
        }

        return sdk == "openai"
            ? NodeRunner.AssertScenarioPassesAsync("openai", "run.mjs", scenario, model, environment)
            : NodeRunner.AssertScenarioPassesAsync("@anthropic-ai/sdk", "anthropic.mjs", scenario, model, environment);
    }
}
