using System.Diagnostics;
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
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scenario_Passes(string scenario, string model)
    {
        var directory = SdkNodeDirectory();
        var start = new ProcessStartInfo("node", [Path.Combine(directory, "run.mjs"), scenario])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.Environment["TOLLGATE_BASE_URL"] = fixture.Gateway.BaseUrl + "/v1";
        start.Environment["TOLLGATE_API_KEY"] = "no-virtual-key";
        start.Environment["TOLLGATE_MODEL"] = model;
        if (scenario == "models")
        {
            start.Environment["TOLLGATE_EXPECT_MODEL"] = model;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"node {scenario} {model} exited {process.ExitCode}\n{await stdout}\n{await stderr}");
    }

    private static string SdkNodeDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("TOLLGATE_SDK_NODE_DIR");
        var directory = configured ?? FindUpwards(AppContext.BaseDirectory, Path.Combine("tests", "sdk-node"));
        Assert.True(directory is not null && Directory.Exists(Path.Combine(directory, "node_modules", "openai")),
            "tests/sdk-node/node_modules is missing: run ./scripts/test.sh (it runs npm ci) or npm ci in tests/sdk-node.");
        return directory!;
    }

    private static string? FindUpwards(string start, string relative)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
