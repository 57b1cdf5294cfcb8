using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Emulator;
using Tollgate.Observability.Metrics;
using Tollgate.Observability.RequestLogs;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Observability;

/// <summary>The shipped Grafana dashboard only queries series the gateway exports (a renamed metric would blank a panel).</summary>
public sealed partial class GrafanaDashboardTests
{
    [Fact]
    public async Task Dashboard_QueriesOnlyMetricsTheGatewayExports()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardPath()));
        var expressions = Expressions(dashboard.RootElement).ToList();
        var referenced = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value))
            .Select(name => HistogramSuffix().Replace(name, string.Empty)).ToHashSet();

        await using var emulator = await EmulatorHost.StartAsync();
        await using var gateway = await GatewayHost.StartAsync($$"""
            {
              "providers": { "openai": { "base_url": "{{emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa-1", "value": "{{GatewayFixture.OpenAIKey}}" }] } },
              "governance": { "budgets": [{ "id": "b1", "max_limit": 1, "reset_duration": "1d" }] }
            }
            """);
        var metrics = gateway.Services.GetRequiredService<GatewayMetrics>();
        metrics.ObserveLogQueue(() => 0, () => 0);
        metrics.Record(new RequestLogEntry
        {
            Id = "r1", Time = DateTimeOffset.UtcNow, Endpoint = "chat.completions", Path = "/v1/chat/completions", Provider = "openai",
            Model = "gpt-4o-mini", Status = 429, ErrorType = "rate_limit_error", ErrorCode = "rate_limit_exceeded", LatencyMs = 5, UpstreamMs = 4,
            TtftMs = 3, Attempts = 2, Fallbacks = 1, PromptTokens = 3, CompletionTokens = 2, CostNano = 10,
        });
        metrics.Record(new RequestLogEntry
        {
            Id = "r2", Time = DateTimeOffset.UtcNow, Endpoint = "chat.completions", Path = "/v1/chat/completions", Provider = "openai",
            Model = "gpt-4o-mini", Status = 402, ErrorType = "budget_exceeded", ErrorCode = "budget_exceeded", LatencyMs = 1,
        });
        using var response = await gateway.Client.GetAsync("/metrics");
        var exported = PrometheusText.Parse(await response.Content.ReadAsStringAsync()).Types.Keys.ToHashSet();

        Assert.NotEmpty(expressions);
        Assert.Contains("tollgate_requests_total", referenced);
        Assert.All(referenced, name => Assert.Contains(name, exported));
    }

    [Fact]
    public async Task Dashboard_HasAPrometheusDatasourceVariableThatEveryPanelUses()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardPath()));
        var root = dashboard.RootElement;

        var variable = root.GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", variable.GetProperty("type").GetString());
        Assert.Equal("prometheus", variable.GetProperty("query").GetString());
        foreach (var panel in root.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row"))
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
        }
    }

    private static IEnumerable<string> Expressions(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                {
                    yield return property.Value.GetString()!;
                }

                foreach (var nested in Expressions(property.Value))
                {
                    yield return nested;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray().SelectMany(Expressions))
            {
                yield return item;
            }
        }
    }

    private static string DashboardPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "docs", "grafana", "tollgate-dashboard.json");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("docs/grafana/tollgate-dashboard.json not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("tollgate_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
