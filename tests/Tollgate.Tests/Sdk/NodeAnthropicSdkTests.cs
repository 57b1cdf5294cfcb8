using System.Collections;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Sdk;

/// <summary>
/// The npm <c>@anthropic-ai/sdk</c> package, unmodified, run by node against Tollgate's <c>/anthropic</c> Messages API
/// with models of several providers. Each case runs one scenario of <c>tests/sdk-node/anthropic.mjs</c>;
/// scripts/test.sh installs its node_modules.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class NodeAnthropicSdkTests(GatewayFixture fixture)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] models =
        [
            "anthropic/claude-sonnet-4-5",
            "databricks/databricks-meta-llama-3-3-70b-instruct",
            "openai/gpt-4o-mini",
        ];
        foreach (var model in models)
        {
            foreach (var scenario in new[] { "create", "stream", "tools", "stream-tools" })
            {
                data.Add(scenario, model);
            }
        }

        // On /anthropic a bare model name means the anthropic provider.
        data.Add("create", "claude-sonnet-4-5");
        data.Add("error", "nosuchprovider/x");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scenario_Passes(string scenario, string model)
    {
        var environment = new Dictionary<string, string?>
        {
            ["TOLLGATE_ANTHROPIC_BASE_URL"] = fixture.Gateway.BaseUrl + "/anthropic",
            ["TOLLGATE_API_KEY"] = "no-virtual-key",
            ["TOLLGATE_MODEL"] = model,
        };

        // The SDK reads ANTHROPIC_* variables (extra headers, log level, profiles); a developer's own must not leak in.
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith("ANTHROPIC_", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        await NodeRunner.AssertScenarioPassesAsync("@anthropic-ai/sdk", "anthropic.mjs", scenario, model, environment);
    }
}
