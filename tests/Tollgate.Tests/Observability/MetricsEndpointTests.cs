using Microsoft.Extensions.DependencyInjection;
using Tollgate.Configuration;
using Tollgate.Emulator;
using Tollgate.Observability.Metrics;
using Tollgate.Observability.RequestLogs;
using Tollgate.Secrets;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Observability;

/// <summary>
/// /metrics of a real gateway, scraped over HTTP and parsed. Request series are fed with entries recorded through the
/// gateway's own <see cref="GatewayMetrics"/> (what the pipeline hands it at the end of every request).
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string VkApp = "sk-tg-metrics-app-000000000001";
    private const string Model = "gpt-4o-mini";

    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private string Config(string client = "{}") => $$"""
        {
          "client": {{client}},
          "providers": {
            "openai": {
              "base_url": "{{_emulator.OpenAIBaseUrl}}",
              "keys": [{ "name": "oa-1", "value": "{{GatewayFixture.OpenAIKey}}", "models": ["*"], "weight": 2 }]
            },
            "local-vllm": {
              "custom_provider_config": { "base_provider_type": "openai" },
              "base_url": "{{_emulator.CompatBaseUrl}}",
              "keys": []
            }
          },
          "governance": {
            "budgets": [{ "id": "b-vk", "max_limit": 5, "reset_duration": "1M" }, { "id": "b-ml", "max_limit": 12.5, "reset_duration": "1d" }],
            "teams": [{ "id": "ml", "name": "ML", "budget_id": "b-ml" }],
            "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "team_id": "ml", "budget_id": "b-vk" }]
          }
        }
        """;

    private static RequestLogEntry Entry(string model = Model, int status = 200, string? errorType = null, string? errorCode = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Time = DateTimeOffset.UtcNow,
        Endpoint = "chat.completions",
        Path = "/v1/chat/completions",
        VirtualKeyId = "vk-app",
        VirtualKeyName = "app",
        Provider = "openai",
        Model = model,
        RequestedModel = "openai/" + model,
        Status = status,
        ErrorType = errorType,
        ErrorCode = errorCode,
        LatencyMs = 250,
        UpstreamMs = 200,
        Attempts = 1,
    };

    [Fact]
    public async Task Metrics_RecordedRequests_AreScrapedWithTheirLabelsAndValues()
    {
        await using var gateway = await GatewayHost.StartAsync(Config());
        var metrics = gateway.Services.GetRequiredService<GatewayMetrics>();

        metrics.Record(Entry() with { PromptTokens = 100, CompletionTokens = 20, CachedTokens = 40, CostNano = 300_000 });
        metrics.Record(Entry() with { PromptTokens = 10, CompletionTokens = 5, CostNano = 1_000_000, LatencyMs = 10, UpstreamMs = 9.6 });
        metrics.Record(Entry() with { Stream = true, TtftMs = 120, Attempts = 3, Fallbacks = 1 });
        metrics.Record(Entry(status: 502, errorType: "upstream_error", errorCode: "upstream_unreachable"));
        metrics.Record(Entry(status: 429, errorType: "rate_limit_error", errorCode: "rate_limit_exceeded") with { Attempts = 0, UpstreamMs = 0 });
        metrics.Record(Entry(status: 402, errorType: "budget_exceeded", errorCode: "budget_exceeded") with { Attempts = 0, UpstreamMs = 0 });

        var scrape = await ScrapeAsync(gateway);

        Assert.Equal("counter", scrape.Types["tollgate_requests_total"]);
        Assert.Equal("histogram", scrape.Types["tollgate_request_duration_seconds"]);
        Assert.Equal("histogram", scrape.Types["tollgate_gateway_overhead_seconds"]);
        (string, string)[] series = [("provider", "openai"), ("model", Model)];
        (string, string)[] byKey = [.. series, ("virtual_key", "app")];
        Assert.Equal(3, scrape.Value("tollgate_requests_total", [.. byKey, ("status_class", "2xx"), ("endpoint", "chat.completions")]));
        Assert.Equal(2, scrape.Value("tollgate_requests_total", [.. byKey, ("status_class", "4xx")]));
        Assert.Equal(1, scrape.Value("tollgate_requests_total", [.. byKey, ("status_class", "5xx")]));
        Assert.Equal(110, scrape.Value("tollgate_tokens_total", [.. byKey, ("direction", "input")]));
        Assert.Equal(25, scrape.Value("tollgate_tokens_total", [.. byKey, ("direction", "output")]));
        Assert.Equal(40, scrape.Value("tollgate_tokens_total", [.. byKey, ("direction", "cached")]));
        Assert.Equal(0.0013, scrape.Value("tollgate_cost_usd_total", byKey)!.Value, 9);

        Assert.Equal(1, scrape.Value("tollgate_errors_total", [.. series, ("error_type", "upstream_error")]));
        Assert.Equal(1, scrape.Value("tollgate_rate_limit_rejections_total", ("code", "rate_limit_exceeded")));
        Assert.Equal(0, scrape.Value("tollgate_rate_limit_rejections_total", ("code", "concurrency_limit_exceeded")));
        Assert.Equal(1, scrape.Value("tollgate_budget_rejections_total", ("virtual_key", "app")));

        Assert.Equal(6, scrape.Value("tollgate_request_duration_seconds_count", series));
        Assert.Equal((250 * 5 + 10) / 1000.0, scrape.Value("tollgate_request_duration_seconds_sum", series)!.Value, 9);
        // Requests refused before the upstream are not "overhead": 4 proxied requests, one with 0.4 ms of gateway time.
        Assert.Equal(4, scrape.Value("tollgate_gateway_overhead_seconds_count", series));
        Assert.Equal(1, scrape.Value("tollgate_gateway_overhead_seconds_bucket", [.. series, ("le", "0.0005")]));
        Assert.Equal(4, scrape.Value("tollgate_gateway_overhead_seconds_bucket", [.. series, ("le", "+Inf")]));
        Assert.Equal(1, scrape.Value("tollgate_time_to_first_token_seconds_count", series));
        Assert.Equal(0.12, scrape.Value("tollgate_time_to_first_token_seconds_sum", series)!.Value, 9);
        Assert.Equal(6, scrape.Value("tollgate_upstream_attempts_total", series));
        Assert.Equal(2, scrape.Value("tollgate_upstream_retries_total", series));
        Assert.Equal(1, scrape.Value("tollgate_fallbacks_total", series));
    }

    [Fact]
    public async Task Metrics_ScrapeTimeGauges_ShowBudgetsKeyHealthAndQueues()
    {
        await using var gateway = await GatewayHost.StartAsync(Config());
        gateway.Services.GetRequiredService<GatewayMetrics>().ObserveLogQueue(() => 7, () => 3);

        var scrape = await ScrapeAsync(gateway);

        Assert.Equal(5, scrape.Value("tollgate_budget_limit_usd", ("budget_id", "b-vk"), ("entity", "virtual_key:vk-app")));
        Assert.Equal(5, scrape.Value("tollgate_budget_remaining_usd", ("budget_id", "b-vk"), ("entity", "virtual_key:vk-app")));
        Assert.Equal(12.5, scrape.Value("tollgate_budget_limit_usd", ("budget_id", "b-ml"), ("entity", "team:ml")));
        Assert.Equal(0, scrape.Value("tollgate_key_circuit_state", ("provider", "openai"), ("key", "oa-1")));
        Assert.Equal(2, scrape.Value("tollgate_key_weight", ("provider", "openai"), ("key", "oa-1")));
        Assert.Equal(0, scrape.Value("tollgate_key_error_rate", ("provider", "openai"), ("key", "oa-1")));
        Assert.Equal(0, scrape.Value("tollgate_key_circuit_state", ("provider", "local-vllm"), ("key", "(none)")));
        Assert.Equal(7, scrape.Value("tollgate_log_queue_depth"));
        Assert.Equal(3, scrape.Value("tollgate_log_dropped_total"));
        Assert.Equal("counter", scrape.Types["tollgate_log_dropped_total"]);
        Assert.NotNull(scrape.Value("tollgate_usage_queue_depth"));
    }

    [Fact]
    public async Task Metrics_BudgetSpend_LowersRemainingAndADeletedBudgetDisappears()
    {
        await using var gateway = await GatewayHost.StartAsync(Config());
        var (created, _) = await gateway.AdminAsync(HttpMethod.Post, "/api/budgets", """{ "id": "b-temp", "max_limit": 3, "reset_duration": "1d" }""");
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        // A real request through a key with a budget: its cost comes off what remains.
        using var response = await gateway.ChatAsync("openai/" + Model, VkApp);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        // Settlement may finish just after the client has its answer: until then the cost is reserved, not spent.
        var before = await ScrapeUntilAsync(gateway, s => s.Value("tollgate_budget_spent_usd", ("budget_id", "b-vk")) > 0);
        Assert.Equal(3, before.Value("tollgate_budget_limit_usd", ("budget_id", "b-temp"), ("entity", "")));
        var remaining = before.Value("tollgate_budget_remaining_usd", ("budget_id", "b-vk"))!.Value;
        var spent = before.Value("tollgate_budget_spent_usd", ("budget_id", "b-vk"))!.Value;
        Assert.Equal(5 - spent, remaining, 9);

        var (deleted, _) = await gateway.AdminAsync(HttpMethod.Delete, "/api/budgets/b-temp");
        Assert.True(deleted.IsSuccessStatusCode);
        var after = await ScrapeAsync(gateway);

        Assert.Empty(after.Series("tollgate_budget_limit_usd", ("budget_id", "b-temp")));
        Assert.Single(after.Series("tollgate_budget_limit_usd", ("budget_id", "b-vk")));
    }

    [Fact]
    public async Task Metrics_LabelLimitAndVirtualKeyLabel_FollowTheClientConfig()
    {
        await using var gateway = await GatewayHost.StartAsync(Config("""{ "metrics_max_label_values": 2, "metrics_virtual_key_label": false }"""));
        var metrics = gateway.Services.GetRequiredService<GatewayMetrics>();

        metrics.Record(Entry(model: "m1"));
        metrics.Record(Entry(model: "m2"));
        metrics.Record(Entry(model: "m3"));
        metrics.Record(Entry(model: "m4"));
        var scrape = await ScrapeAsync(gateway);

        var models = scrape.Series("tollgate_requests_total").Select(s => s.Labels["model"]).ToHashSet();
        Assert.Equal(["m1", "m2", LabelLimiter.Other], models.Order());
        Assert.Equal(2, scrape.Value("tollgate_requests_total", ("model", LabelLimiter.Other)));
        Assert.All(scrape.Series("tollgate_requests_total"), s => Assert.Equal("", s.Labels["virtual_key"]));
    }

    [Fact]
    public async Task Record_OnceItsSeriesExist_AllocatesNothing()
    {
        await using var gateway = await GatewayHost.StartAsync(Config());
        var metrics = gateway.Services.GetRequiredService<GatewayMetrics>();
        var success = Entry() with { PromptTokens = 10, CompletionTokens = 5, CachedTokens = 2, CostNano = 1000, TtftMs = 30, Attempts = 2, Fallbacks = 1 };
        var failure = Entry(status: 429, errorType: "rate_limit_error", errorCode: "rate_limit_exceeded");
        for (var i = 0; i < 100; i++)
        {
            // Warm-up: first uses create children and let prometheus-net set up its own per-metric state.
            metrics.Record(success);
            metrics.Record(failure);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            metrics.Record(success);
            metrics.Record(failure);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes for 2000 records");
    }

    [Fact]
    public async Task Metrics_IsPublic_EvenWhenInferenceNeedsAKey()
    {
        await using var gateway = await GatewayHost.StartAsync(Config("""{ "enforce_auth_on_inference": true }"""));

        using var response = await gateway.Client.GetAsync("/metrics");

        Assert.True(response.IsSuccessStatusCode);
        Assert.Contains("# TYPE tollgate_requests_total counter", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{ "metrics_max_label_values": 0 }""", "$.client.metrics_max_label_values")]
    [InlineData("""{ "metrics_max_label_values": 2.5 }""", "$.client.metrics_max_label_values")]
    [InlineData("""{ "metrics_virtual_key_label": "no" }""", "$.client.metrics_virtual_key_label")]
    public void Config_BadMetricsField_NamesItsJsonPath(string client, string path)
    {
        var loader = GatewayConfigLoading.Loader(new SecretResolver(_ => null));

        var ex = Assert.Throws<ConfigException>(() => loader.Load($$"""{ "client": {{client}} }"""));

        Assert.Equal(path, ex.JsonPath);
    }

    [Fact]
    public void Config_MetricsFields_DefaultAndParse()
    {
        var loader = GatewayConfigLoading.Loader(new SecretResolver(_ => null));

        var defaults = loader.Load("{}").Client;
        var set = loader.Load("""{ "client": { "metrics_max_label_values": 20, "metrics_virtual_key_label": false } }""").Client;

        Assert.Equal(100, defaults.MetricsMaxLabelValues);
        Assert.True(defaults.MetricsVirtualKeyLabel);
        Assert.Equal(20, set.MetricsMaxLabelValues);
        Assert.False(set.MetricsVirtualKeyLabel);
    }

    private static async Task<PrometheusText> ScrapeUntilAsync(GatewayHost gateway, Func<PrometheusText, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var scrape = await ScrapeAsync(gateway);
            if (done(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<PrometheusText> ScrapeAsync(GatewayHost gateway)
    {
        using var response = await gateway.Client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }
}
