using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tollgate.Emulator;

namespace Tollgate.Tests.Functional;

[Collection(GatewayCollection.Name)]
public sealed class ErrorTests(GatewayFixture fixture) : IDisposable
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public void Dispose() => fixture.Emulator.Faults.Clear();

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var error = body.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("code", out _));
        Assert.True(error.TryGetProperty("param", out _));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return error;
    }

    [Theory]
    [InlineData("{\"model\": \"openai/gpt-4o-mini\", \"messages\": [", 400, null)]
    [InlineData("{\"messages\": []}", 400, "missing_model")]
    [InlineData("{\"model\": \"nosuch/gpt\", \"messages\": []}", 404, "model_not_found")]
    [InlineData("{\"model\": \"gpt-unknown\", \"messages\": []}", 404, "model_not_found")]
    [InlineData("", 400, null)]
    public async Task BadRequests_GetOpenAIShapedErrors(string body, int status, string? code)
    {
        using var response = await fixture.Client.PostAsync("/v1/chat/completions", Json(body));

        Assert.Equal(status, (int)response.StatusCode);
        var error = await ErrorOf(response);
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task BodyTooLarge_Is413()
    {
        var big = new string('a', 33 * 1024 * 1024);
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"{{big}}"}]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownRoute_IsOpenAIShaped404()
    {
        using var response = await fixture.Client.GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ErrorOf(response);
    }

    [Fact]
    public async Task UpstreamError_PassesThroughStatusAndMessage_MappedFromDatabricksShape()
    {
        fixture.Emulator.Faults.Add(new FaultRule { Provider = "databricks", Status = 403, ErrorCode = "PERMISSION_DENIED", Message = "User does not have permission to query endpoint", Times = 1 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("PERMISSION_DENIED", error.GetProperty("code").GetString());
        Assert.Equal("User does not have permission to query endpoint", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task UpstreamRateLimit_RetriesThenReturns429WithRetryAfter()
    {
        var before = fixture.Emulator.Journal.Mark();
        fixture.Emulator.Faults.Add(new FaultRule { Provider = "databricks", Status = 429, ErrorCode = "REQUEST_LIMIT_EXCEEDED", RetryAfterSeconds = 0, Times = -1 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", (await ErrorOf(response)).GetProperty("code").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        // max_retries is 2 for this provider: three attempts in all.
        Assert.Equal(3, fixture.Emulator.Journal.Since(before).Count(e => e.Provider == "databricks"));
        Assert.Equal("3", response.Headers.GetValues("x-tollgate-attempts").Single());
    }

    [Fact]
    public async Task Upstream500ThenSuccess_IsRetriedAndSucceeds()
    {
        fixture.Emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 500, Times = 1 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"retry me"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("x-tollgate-attempts").Single());
    }

    [Fact]
    public async Task Upstream400_IsNotRetried()
    {
        var before = fixture.Emulator.Journal.Mark();
        fixture.Emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 400, Message = "bad things", Times = 1 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, fixture.Emulator.Journal.Since(before).Count(e => e.Provider == "openai"));
    }

    [Fact]
    public async Task StreamDroppedMidway_ClientGetsErrorEventThenDone()
    {
        fixture.Emulator.Faults.Add(new FaultRule { Provider = "openai", DropStreamAfterEvents = 2, Times = 1 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"one two three four five six"}]}"""));

        var data = await Sse.ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        var error = JsonDocument.Parse(data[^2]).RootElement.GetProperty("error");
        Assert.Equal("upstream_stream_interrupted", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Anthropic429_IsMappedToOpenAIShape()
    {
        fixture.Emulator.Faults.Add(new FaultRule { Provider = "anthropic", Status = 429, Times = -1, RetryAfterSeconds = 30 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"anthropic/claude-sonnet-4-5","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit_error", (await ErrorOf(response)).GetProperty("type").GetString());
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter!.Delta);
    }
}

/// <summary>Timeouts and unreachable upstreams need providers of their own, so they get their own gateway.</summary>
public sealed class UpstreamFailureTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        var closedPort = FreePort();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "providers": {
                "slow": {
                  "custom_provider_config": { "base_provider_type": "openai" },
                  "base_url": "{{_emulator.OpenAIBaseUrl}}",
                  "keys": [{ "name": "k", "value": "sk-test-slow" }],
                  "network_config": { "default_request_timeout_in_seconds": 0.5, "stream_idle_timeout_in_seconds": 0.5 }
                },
                "capped": {
                  "custom_provider_config": { "base_provider_type": "openai" },
                  "base_url": "{{_emulator.OpenAIBaseUrl}}",
                  "keys": [{ "name": "k", "value": "sk-test-capped" }],
                  "network_config": { "stream_idle_timeout_in_seconds": 5, "stream_total_timeout_in_seconds": 1 }
                },
                "gone": {
                  "custom_provider_config": { "base_provider_type": "openai" },
                  "base_url": "http://127.0.0.1:{{closedPort}}/v1",
                  "keys": []
                }
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task SlowUpstream_Is504()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", DelayMs = 3000, Times = 1 });

        using var response = await _gateway.Client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"slow/gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("upstream_timeout", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task StreamLongerThanItsTotalTimeout_IsCutWithAClearError()
    {
        _emulator.State.StreamEventDelayMs = 250;
        try
        {
            using var response = await _gateway.Client.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"capped/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"one two three four five six seven eight nine ten eleven twelve"}]}""",
                Encoding.UTF8, "application/json"));

            var data = await Sse.ReadDataAsync(response);
            Assert.Equal("[DONE]", data[^1]);
            var error = JsonDocument.Parse(data[^2]).RootElement.GetProperty("error");
            Assert.Equal("upstream_timeout", error.GetProperty("code").GetString());
            Assert.Contains("total time", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            _emulator.State.StreamEventDelayMs = 0;
        }
    }

    [Fact]
    public async Task UnreachableUpstream_Is502()
    {
        using var response = await _gateway.Client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"gone/some-model","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("upstream_unreachable", error.GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }
}

[Collection(GatewayCollection.Name)]
public sealed class StreamCancellationTests(GatewayFixture fixture) : IDisposable
{
    public void Dispose() => fixture.Emulator.State.StreamEventDelayMs = 0;

    [Fact]
    public async Task Stream_ClientDisconnects_CancelsUpstream()
    {
        // A second between events: the upstream stream (a dozen events) cannot end by itself within the 10 s the test waits,
        // so only the gateway hanging up can mark it aborted, however loaded the machine is.
        fixture.Emulator.State.StreamEventDelayMs = 1000;
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"{{marker}} a long answer with many many words to stream slowly"}]}""", Encoding.UTF8, "application/json"),
        };
        using (var response = await fixture.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);
        }

        // Disposing the response closes the connection; the gateway must hang up on the upstream too.
        var upstream = fixture.Emulator.Journal.Entries.Single(e => e.Body.Contains(marker, StringComparison.Ordinal));
        for (var i = 0; i < 100 && !fixture.Emulator.State.WasAborted(upstream.Sequence); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(fixture.Emulator.State.WasAborted(upstream.Sequence));
    }
}
