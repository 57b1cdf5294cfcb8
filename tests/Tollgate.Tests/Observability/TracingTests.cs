using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tollgate.Emulator;
using Tollgate.Observability.RequestLogs;
using Tollgate.Observability.Tracing;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Observability;

/// <summary>
/// Traces exported over OTLP/HTTP (protobuf) from a real gateway to an in-test collector. Each request carries its own
/// <c>traceparent</c>, so its spans are found by trace id even when other gateways in the process trace too.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private OtlpCollector _collector = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _collector = await OtlpCollector.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private string Config => $$"""
        {
          "providers": {
            "openai": {
              "base_url": "{{_emulator.OpenAIBaseUrl}}",
              "keys": [{ "name": "oa-1", "value": "{{GatewayFixture.OpenAIKey}}", "models": ["*"] }],
              "network_config": { "max_retries": 0 }
            }
          }
        }
        """;

    private Task<ObservedGateway> StartTracedGatewayAsync() => ObservedGateway.StartAsync(Config,
        "--OTEL_EXPORTER_OTLP_ENDPOINT", _collector.Endpoint,
        "--OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "--OTEL_BSP_SCHEDULE_DELAY", "100",
        "--OTEL_SERVICE_NAME", "tollgate-under-test");

    [Fact]
    public async Task ChatRequest_ExportsAGenAiClientSpanUnderTheServerSpan()
    {
        await using var gateway = await StartTracedGatewayAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        using var response = await SendChatAsync(gateway, traceId, "openai/gpt-4o-mini");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var spans = await WaitForTraceAsync(gateway, traceId, IsGatewayServerSpan);

        var server = Assert.Single(spans, IsGatewayServerSpan);
        var genAi = Assert.Single(spans, s => s.ScopeName == GatewayTracing.SourceName && s.Kind == CollectedSpan.KindClient);
        Assert.Equal("chat gpt-4o-mini", genAi.Name);
        Assert.Equal(server.SpanId, genAi.ParentSpanId);
        Assert.Equal("chat", genAi["gen_ai.operation.name"]);
        Assert.Equal("openai", genAi["gen_ai.provider.name"]);
        Assert.Equal("openai", genAi["gen_ai.system"]);
        Assert.Equal("gpt-4o-mini", genAi["gen_ai.request.model"]);
        Assert.Equal(7L, genAi["gen_ai.request.max_tokens"]);
        Assert.True((long)genAi["gen_ai.usage.input_tokens"]! > 0);
        Assert.True((long)genAi["gen_ai.usage.output_tokens"]! > 0);
        Assert.Equal("127.0.0.1", genAi["server.address"]);
        Assert.Equal("oa-1", genAi["tollgate.key"]);
        Assert.Null(genAi["error.type"]);
        Assert.Equal("tollgate-under-test", genAi.Resource["service.name"]);

        // The upstream HTTP call is a child of the attempt; the gateway's stages are siblings of it.
        Assert.Contains(spans, s => s.Kind == CollectedSpan.KindClient && s.ParentSpanId == genAi.SpanId);
        Assert.DoesNotContain(_collector.Spans, s => s.Name == "POST /v1/traces");
        foreach (var stage in (string[])[GatewayTracing.AuthenticateStage, GatewayTracing.RouteStage, GatewayTracing.AdmitStage])
        {
            var span = Assert.Single(spans, s => s.Name == stage);
            Assert.Equal(CollectedSpan.KindInternal, span.Kind);
            Assert.Equal(server.SpanId, span.ParentSpanId);
        }
    }

    [Fact]
    public async Task UpstreamError_MarksTheAttemptSpanFailedWithItsType()
    {
        await using var gateway = await StartTracedGatewayAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        using var response = await SendChatAsync(gateway, traceId, "openai/model-does-not-exist");
        Assert.False(response.IsSuccessStatusCode);
        var spans = await WaitForTraceAsync(gateway, traceId, IsGatewayServerSpan);

        var genAi = Assert.Single(spans, s => s.ScopeName == GatewayTracing.SourceName && s.Kind == CollectedSpan.KindClient);
        Assert.Equal(CollectedSpan.StatusError, genAi.StatusCode);
        Assert.False(string.IsNullOrEmpty(genAi["error.type"] as string));
        Assert.Equal((long)(int)response.StatusCode, genAi["tollgate.status"]);
        Assert.Null(genAi["gen_ai.usage.input_tokens"]);
    }

    [Fact]
    public async Task Gateway_WithoutAnOtlpEndpoint_RegistersNoTracerProvider()
    {
        await using var gateway = await ObservedGateway.StartAsync(Config);

        Assert.Null(gateway.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("http://127.0.0.1:4318", null, null, true)]
    [InlineData(null, "otlp", null, true)]
    [InlineData("http://127.0.0.1:4318", "none", null, false)]
    [InlineData("http://127.0.0.1:4318", null, "true", false)]
    public void IsEnabled_FollowsTheStandardVariables(string? endpoint, string? exporter, string? disabled, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_TRACES_EXPORTER"] = exporter,
            ["OTEL_SDK_DISABLED"] = disabled,
        }).Build();

        Assert.Equal(expected, TracingSetup.IsEnabled(configuration));
    }

    [Fact]
    public void Complete_PutsTheRequestOutcomeOnTheServerSpan()
    {
        using var activity = new Activity("POST /v1/chat/completions").Start();
        var entry = new RequestLogEntry
        {
            Id = "req-1",
            Time = DateTimeOffset.UtcNow,
            Endpoint = "chat.completions",
            Path = "/v1/chat/completions",
            VirtualKeyId = "vk-app",
            TeamId = "ml",
            CustomerId = "acme",
            Provider = "openai",
            Model = "gpt-4o-mini",
            Status = 502,
            ErrorType = "upstream_error",
            ErrorCode = "upstream_unreachable",
            ErrorMessage = "unreachable",
            CostNano = 2_500_000,
            Attempts = 3,
            Fallbacks = 1,
        };

        GatewayTracing.Complete(activity, entry);

        Assert.Equal("req-1", activity.GetTagItem("tollgate.request_id"));
        Assert.Equal("vk-app", activity.GetTagItem("tollgate.virtual_key.id"));
        Assert.Equal("ml", activity.GetTagItem("tollgate.team.id"));
        Assert.Equal("acme", activity.GetTagItem("tollgate.customer.id"));
        Assert.Equal(502, activity.GetTagItem("tollgate.status"));
        Assert.Equal(0.0025, (double)activity.GetTagItem("tollgate.cost_usd")!, 9);
        Assert.Equal(3, activity.GetTagItem("tollgate.attempts"));
        Assert.Equal(1, activity.GetTagItem("tollgate.fallbacks"));
        Assert.Equal("upstream_unreachable", activity.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public void Spans_WithoutAListener_AreNotCreated()
    {
        // No tracer provider listens to a source of this name: the stage helper must hand back null (no allocation).
        using var source = new ActivitySource("Tollgate.Tests.Unheard");

        Assert.Null(source.StartActivity("x"));
        GatewayTracing.EndStage(null, null);
        GatewayTracing.Complete((Activity?)null, new RequestLogEntry { Id = "x", Time = default, Endpoint = "", Path = "" });
    }

    /// <summary>The gateway's server span; the emulator's, in the same trace, is a server span too.</summary>
    private static bool IsGatewayServerSpan(CollectedSpan span) => span.Kind == CollectedSpan.KindServer && span.Name == "POST /v1/chat/completions";

    /// <summary>
    /// Sends under a test activity with a known trace id: the test's own HttpClient is instrumented too (the tracer
    /// provider listens process-wide), so a hand-written traceparent header would be replaced by its span's.
    /// </summary>
    private static async Task<HttpResponseMessage> SendChatAsync(ObservedGateway gateway, string traceId, string model)
    {
        using var parent = new Activity("test").SetParentId(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":7,"messages":[{"role":"user","content":"trace me please"}]}""",
                Encoding.UTF8, "application/json"),
        };
        return await gateway.Client.SendAsync(request);
    }

    /// <summary>Flushes the gateway's exporter until the trace's spans (including one matching <paramref name="last"/>) arrive.</summary>
    private async Task<List<CollectedSpan>> WaitForTraceAsync(ObservedGateway gateway, string traceId, Func<CollectedSpan, bool> last)
    {
        var provider = gateway.Services.GetRequiredService<TracerProvider>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            provider.ForceFlush(5000);
            var spans = _collector.Spans.Where(s => s.TraceId == traceId).ToList();
            if (spans.Any(last) || DateTime.UtcNow > deadline)
            {
                return spans;
            }

            await Task.Delay(50);
        }
    }
}
