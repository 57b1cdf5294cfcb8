using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Tollgate.Emulator;

/// <summary>
/// The upstream emulator on a random loopback port, for in-process tests and benchmarks:
/// <code>
/// await using var upstream = await EmulatorHost.StartAsync();
/// upstream.Faults.Add(new FaultRule { Provider = "openai", Status = 429, RetryAfterSeconds = 1 });
/// // point the gateway at upstream.OpenAIBaseUrl, call it, then inspect upstream.Journal
/// </code>
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Faults = app.Services.GetRequiredService<FaultInjector>();
        Journal = app.Services.GetRequiredService<RequestJournal>();
        State = app.Services.GetRequiredService<EmulatorState>();
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>, no trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>OpenAI SDK base URL (keys starting <c>sk-test</c>).</summary>
    public string OpenAIBaseUrl => BaseUrl + "/openai/v1";

    /// <summary>Azure OpenAI resource endpoint (<c>api-key</c> starting <c>sk-test</c> or <c>azure-test</c>).</summary>
    public string AzureEndpoint => BaseUrl + "/azure";

    /// <summary>Anthropic base URL; the API is at <c>/v1/messages</c> (keys starting <c>sk-ant-test</c>).</summary>
    public string AnthropicBaseUrl => BaseUrl + "/anthropic";

    /// <summary>Databricks workspace host (PATs starting <c>dapi-test</c>, OAuth client ids starting <c>sp-test</c>).</summary>
    public string DatabricksHost => BaseUrl + "/databricks";

    /// <summary>vLLM-like OpenAI-compatible base URL, no auth.</summary>
    public string CompatBaseUrl => BaseUrl + "/compat/v1";

    /// <summary>Gemini API base (<c>x-goog-api-key</c> starting <c>gm-test</c>); the API is at <c>/v1beta/models/...</c>.</summary>
    public string GeminiBaseUrl => BaseUrl + "/gemini";

    /// <summary>Vertex AI base (Bearer tokens from <see cref="VertexTokenUri"/>); the API is at <c>/v1/projects/...</c>.</summary>
    public string VertexBaseUrl => BaseUrl + "/vertex";

    /// <summary>The emulated Google OAuth token endpoint (JWT bearer grant signed by <see cref="VertexServiceAccountJson"/>'s key).</summary>
    public string VertexTokenUri => BaseUrl + "/vertex/token";

    /// <summary>A service account key file whose JWTs the emulated token endpoint accepts.</summary>
    public string VertexServiceAccountJson() => State.GoogleServiceAccountJson(VertexTokenUri);

    /// <summary>Cohere base (Bearer starting <c>co-test</c>); the API is at <c>/v2/chat</c>, <c>/v2/embed</c>.</summary>
    public string CohereBaseUrl => BaseUrl + "/cohere";

    /// <summary>Bedrock runtime base (SigV4 with an access key from <see cref="EmulatorState.AwsSecretFor"/>, or Bearer <c>bedrock-api-key-test…</c>).</summary>
    public string BedrockBaseUrl => BaseUrl + "/bedrock";

    public FaultInjector Faults { get; }

    public RequestJournal Journal { get; }

    public EmulatorState State { get; }

    /// <summary>Starts Kestrel on <c>http://127.0.0.1:0</c> and returns once it is listening.</summary>
    public static async Task<EmulatorHost> StartAsync(CancellationToken ct = default)
    {
        var app = EmulatorApp.Create([], builder => builder.WebHost.UseUrls("http://127.0.0.1:0"));
        try
        {
            await app.StartAsync(ct);
            var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            return new EmulatorHost(app, addresses.First().TrimEnd('/'));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A short grace period: tests that abandon streams should not wait for them to drain.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
