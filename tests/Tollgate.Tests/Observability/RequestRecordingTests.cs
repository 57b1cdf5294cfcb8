using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Emulator;
using Tollgate.Observability.RequestLogs;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Observability;

/// <summary>Every inference request ends in one entry for logs and metrics, with what it cost and how long it took.</summary>
public sealed class RequestRecordingTests : IAsyncLifetime
{
    private const string LoggedVk = "sk-tg-recording-logged-0123456789";
    private const string QuietVk = "sk-tg-recording-quiet-0123456789";
    private readonly CapturingObserver _observer = new();
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "client": { "enforce_auth_on_inference": true },
              "providers": { "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa-main", "value": "{{GatewayFixture.OpenAIKey}}", "models": ["*"] }] } },
              "pricing": { "openai/gpt-4o-mini": { "input_per_mtok": 1000, "output_per_mtok": 2000 } },
              "governance": {
                "teams": [{ "id": "ml", "name": "ML" }],
                "virtual_keys": [
                  { "id": "vk-logged", "name": "logged", "value": "{{LoggedVk}}", "team_id": "ml", "log_content": "full" },
                  { "id": "vk-quiet", "name": "quiet", "value": "{{QuietVk}}" }
                ]
              }
            }
            """, services => services.AddSingleton<IRequestObserver>(_observer));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Chat_RecordsRouteTokensCostAndContent()
    {
        using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", LoggedVk, content: "remember the blue door");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = await _observer.ForAsync(RequestId(response));
        Assert.Equal("chat.completions", entry.Endpoint);
        Assert.Equal("/v1/chat/completions", entry.Path);
        Assert.False(entry.Stream);
        Assert.Equal(("vk-logged", "logged", "ml"), (entry.VirtualKeyId, entry.VirtualKeyName, entry.TeamId));
        Assert.Equal(("openai", "gpt-4o-mini", "openai/gpt-4o-mini", "oa-main"), (entry.Provider, entry.Model, entry.RequestedModel, entry.KeyName));
        Assert.Equal(200, entry.Status);
        Assert.Null(entry.ErrorType);
        Assert.Equal((1, 0), (entry.Attempts, entry.Fallbacks));
        Assert.True(entry.PromptTokens > 0 && entry.CompletionTokens > 0);
        Assert.False(entry.Estimated);
        Assert.Equal(response.CostHeader(), entry.CostUsd);
        Assert.True(entry.UpstreamMs > 0 && entry.LatencyMs >= entry.UpstreamMs);
        Assert.Null(entry.TtftMs);
        Assert.Contains("remember the blue door", entry.RequestBody);
        Assert.Equal(await response.Content.ReadAsStringAsync(), entry.ResponseBody);
    }

    [Fact]
    public async Task Stream_RecordsTimeToFirstTokenAndTheEventsTheClientSaw()
    {
        using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", LoggedVk, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = await _observer.ForAsync(RequestId(response));
        Assert.True(entry.Stream);
        Assert.NotNull(entry.TtftMs);
        Assert.InRange(entry.TtftMs!.Value, 0.001, entry.LatencyMs);
        Assert.True(entry.CompletionTokens > 0);
        Assert.Equal(await response.Content.ReadAsStringAsync(), entry.ResponseBody);
        Assert.EndsWith("data: [DONE]\n\n", entry.ResponseBody);
    }

    [Fact]
    public async Task ContentIsNotLogged_UnlessTheKeyAsks()
    {
        using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", QuietVk, content: "a private matter");

        var entry = await _observer.ForAsync(RequestId(response));
        Assert.Equal("vk-quiet", entry.VirtualKeyId);
        Assert.Null(entry.RequestBody);
        Assert.Null(entry.ResponseBody);
    }

    [Fact]
    public async Task Rejected_RecordsTheErrorTheClientGot()
    {
        using var missingKey = await _gateway.ChatAsync("openai/gpt-4o-mini", virtualKey: null);
        using var badModel = await _gateway.ChatAsync("openai/gpt-does-not-exist", QuietVk);

        var unauthorised = await _observer.ForAsync(RequestId(missingKey));
        Assert.Equal((401, "authentication_error", "missing_api_key"), (unauthorised.Status, unauthorised.ErrorType, unauthorised.ErrorCode));
        Assert.Null(unauthorised.Provider);
        Assert.Equal(0, unauthorised.Attempts);

        var notFound = await _observer.ForAsync(RequestId(badModel));
        Assert.Equal(404, notFound.Status);
        Assert.Equal((await badModel.ErrorAsync()).GetProperty("message").GetString(), notFound.ErrorMessage);
        Assert.Equal(("openai", 1), (notFound.Provider, notFound.Attempts));
    }

    [Fact]
    public async Task Playground_NeedsAnAdminNotAVirtualKey_AndIsRecorded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/playground/chat/completions")
        {
            Content = new StringContent("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        using var anonymous = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var authorised = new HttpRequestMessage(HttpMethod.Post, "/api/playground/chat/completions")
        {
            Content = new StringContent("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        authorised.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
        using var response = await _gateway.Client.SendAsync(authorised);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = await _observer.ForAsync(RequestId(response));
        Assert.Equal(("openai", 200), (entry.Provider, entry.Status));
        Assert.Null(entry.VirtualKeyId);
    }

    [Fact]
    public async Task Metrics_CountRealRequests()
    {
        using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", QuietVk, content: "count me");
        var entry = await _observer.ForAsync(RequestId(response));

        // Observers run in registration order and the metrics one is registered before the test's, so it has run too.
        var scrape = PrometheusText.Parse(await _gateway.Client.GetStringAsync("/metrics"));
        (string, string)[] series = [("provider", "openai"), ("model", "gpt-4o-mini"), ("virtual_key", "quiet")];
        Assert.Equal(1, scrape.Value("tollgate_requests_total", [.. series, ("status_class", "2xx"), ("endpoint", "chat.completions")]));
        Assert.Equal(entry.PromptTokens, scrape.Value("tollgate_tokens_total", [.. series, ("direction", "input")]));
    }

    [Fact]
    public async Task RequestLog_KeepsTheRequestAndItsContent_ForTheAdminApi()
    {
        using var response = await _gateway.ChatAsync("openai/gpt-4o-mini", LoggedVk, content: "log this one");
        var id = RequestId(response);
        await _gateway.Services.GetRequiredService<RequestLogWriter>().FlushAsync();

        var (detail, entry) = await _gateway.AdminAsync(HttpMethod.Get, $"/api/logs/{id}");
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Equal(("openai", "gpt-4o-mini", "vk-logged", 200), (entry.GetProperty("provider").GetString(), entry.GetProperty("model").GetString(),
            entry.GetProperty("virtual_key_id").GetString(), entry.GetProperty("status").GetInt32()));
        Assert.Equal(response.CostHeader(), entry.GetProperty("cost_usd").GetDecimal());
        Assert.Contains("log this one", entry.GetProperty("request_body").GetString());
        Assert.Equal(await response.Content.ReadAsStringAsync(), entry.GetProperty("response_body").GetString());

        var (_, list) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs?virtual_key_id=vk-logged&limit=500");
        Assert.Contains(list.GetProperty("data").EnumerateArray(), e => e.GetProperty("id").GetString() == id);
    }

    private static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("x-request-id").Single();
}
