using System.Text;
using System.Text.Json;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Observability;

/// <summary>Console logs of a gateway process: JSON lines with the request id in their scopes, or text with it inline.</summary>
public sealed class ConsoleLogTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private string Config => $$"""
        {
          "providers": {
            "openai": {
              "base_url": "{{_emulator.OpenAIBaseUrl}}",
              "keys": [{ "name": "oa-1", "value": "{{GatewayFixture.OpenAIKey}}", "models": ["*"] }]
            }
          }
        }
        """;

    // The pipeline's per-request line is Debug: turn it on so a request is sure to log something.
    private static readonly string[] VerboseArgs = ["--Logging:LogLevel:Default", "Information", "--Logging:LogLevel:Tollgate", "Debug"];

    [Fact]
    public async Task JsonFormat_EveryLineIsJson_AndRequestLinesCarryTheRequestId()
    {
        await using var gateway = await GatewayProcess.StartAsync(Config, ["--log-format", "json", .. VerboseArgs]);
        var requestId = "log-test-" + Guid.NewGuid().ToString("N");

        using var response = await SendChatAsync(gateway, requestId);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(requestId, response.Headers.GetValues("x-request-id").Single());
        var line = await gateway.WaitForLineAsync(l => l.Contains("\"EventId\":1000", StringComparison.Ordinal));

        Assert.NotNull(line);
        using var entry = JsonDocument.Parse(line);
        Assert.Equal("Tollgate.Pipeline.InferenceExecutor", entry.RootElement.GetProperty("Category").GetString());
        var scopes = entry.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestId", out var id) && id.GetString() == requestId);
        Assert.All(gateway.Lines, l => JsonDocument.Parse(l).Dispose());
        Assert.DoesNotContain(gateway.Lines, l => l.Contains(GatewayFixture.OpenAIKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TextFormat_FromTheEnvironment_PutsTheRequestIdOnTheLine()
    {
        await using var gateway = await GatewayProcess.StartAsync(Config, VerboseArgs, new Dictionary<string, string> { ["TOLLGATE_LOG_FORMAT"] = "text" });
        var requestId = "log-test-" + Guid.NewGuid().ToString("N");

        using var response = await SendChatAsync(gateway, requestId);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var line = await gateway.WaitForLineAsync(l => l.Contains("Tollgate.Pipeline.InferenceExecutor", StringComparison.Ordinal));

        Assert.NotNull(line);
        Assert.Contains("RequestId:" + requestId, line);
        Assert.False(line.TrimStart().StartsWith('{'));
    }

    [Fact]
    public async Task BadLogFormat_StopsTheStartNamingTheOption()
    {
        var start = GatewayProcess.StartAsync(Config, ["--log-format", "xml"]);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => start);

        Assert.Contains("--log-format", ex.Message);
    }

    private static async Task<HttpResponseMessage> SendChatAsync(GatewayProcess gateway, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"openai/gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"log me"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-request-id", requestId);
        return await gateway.Client.SendAsync(request);
    }
}
