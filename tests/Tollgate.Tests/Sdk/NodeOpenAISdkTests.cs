using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Sdk;

/// <summary>
/// The npm <c>openai</c> package (6.x), unmodified, run by node against Tollgate. Each case runs one scenario of
/// <c>tests/sdk-node/run.mjs</c>; scripts/test.sh installs its node_modules.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class NodeOpenAISdkTests(GatewayFixture fixture)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] chatModels =
        [
            "databricks/databricks-meta-llama-3-3-70b-instruct",
            "openai/gpt-4o-mini",
            "anthropic/claude-sonnet-4-5",
            "azure/gpt-4o-mini",
            "local-vllm/meta-llama/Llama-3.1-8B-Instruct",
        ];
        foreach (var model in chatModels)
        {
            foreach (var scenario in new[] { "chat", "chat-stream", "chat-tools", "chat-stream-tools" })
            {
                data.Add(scenario, model);
            }
        }

        data.Add("completions", "databricks/databricks-mpt-7b-instruct");
        data.Add("completions", "openai/gpt-3.5-turbo-instruct");
        data.Add("completions", "local-vllm/meta-llama/Llama-3.1-8B-Instruct");
        data.Add("embeddings", "databricks/databricks-gte-large-en");
        data.Add("embeddings", "openai/text-embedding-3-small");
        data.Add("embeddings", "local-vllm/BAAI/bge-small-en");
        data.Add("models", "databricks/databricks-meta-llama-3-3-70b-instruct");
        data.Add("error", "nosuchprovider/x");
        data.Add("responses", "databricks/databricks-meta-llama-3-3-70b-instruct");
        data.Add("responses", "anthropic/claude-sonnet-4-5");
        data.Add("responses-stream", "databricks/databricks-meta-llama-3-3-70b-instruct");
        data.Add("responses-stream", "local-vllm/meta-llama/Llama-3.1-8B-Instruct");
        data.Add("responses", "openai/gpt-4o-mini");
        data.Add("responses-stream", "openai/gpt-4o-mini");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scenario_Passes(string scenario, string model)
    {
        var environment = new Dictionary<string, string?>
        {
            ["TOLLGATE_BASE_URL"] = fixture.Gateway.BaseUrl + "/v1",
            ["TOLLGATE_API_KEY"] = "no-virtual-key",
            ["TOLLGATE_MODEL"] = model,
        };
        if (scenario == "models")
        {
            environment["TOLLGATE_EXPECT_MODEL"] = model;
        }

        await NodeRunner.AssertScenarioPassesAsync("openai", "run.mjs", scenario, model, environment);
    }
}
