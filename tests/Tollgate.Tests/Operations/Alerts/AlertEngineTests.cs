using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Cluster;
using Tollgate.Governance;
using Tollgate.Hosting;
using Tollgate.Observability.RequestLogs;
using Tollgate.Operations.Alerts;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability.RequestLogs;

namespace Tollgate.Tests.Operations.Alerts;

/// <summary>
/// Rules through a real gateway on a fake clock: request log entries written through the gateway's own writer, budget
/// spend through its ledger, notices to an HTTP sink. Covers trigger, deduplication, resolution, cooldown, levels,
/// retries with backoff and leadership.
/// </summary>
public sealed class AlertEngineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly SwitchableLeadership _leadership = new();
    private HttpSink _sink = null!;
    private GatewayHost _gateway = null!;

    private AlertEngine Engine => _gateway.Services.GetRequiredService<AlertEngine>();

    public async Task InitializeAsync()
    {
        _sink = await HttpSink.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "governance": { "budgets": [{ "id": "b1", "max_limit": 1.0, "reset_duration": "1d" }] },
              "alerts": {
                "evaluation_interval_seconds": 3600,
                "channels": [
                  { "id": "hook", "type": "webhook", "url": "{{_sink.Url}}/hook" },
                  { "id": "pd", "type": "pagerduty", "url": "{{_sink.Url}}/pd", "routing_key": "rk" }
                ],
                "rules": [
                  { "id": "errors", "type": "error_rate", "provider": "openai", "threshold": 0.2, "window_seconds": 300,
                    "min_requests": 5, "cooldown_seconds": 3600, "severity": "critical", "channels": ["hook", "pd"] },
                  { "id": "budget", "type": "budget_usage", "budget_id": "b1", "thresholds": [100, 50], "channels": ["hook"] }
                ]
              }
            }
            """, services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddSingleton<IClusterLeadership>(_leadership);
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task ErrorRate_TriggersOnce_ResolvesWhenItClears_AndCooldownHoldsARepeat()
    {
        await LogAsync(errors: 4, ok: 6);

        await Engine.EvaluateAsync(default);
        await _sink.WaitForAsync(2);
        var hook = _sink.Requests.Single(r => r.Path == "/hook").Json;
        Assert.Equal("triggered", hook.GetProperty("event").GetString());
        Assert.Equal("errors", hook.GetProperty("rule_id").GetString());
        Assert.Equal("provider=openai", hook.GetProperty("instance").GetString());
        Assert.Equal(0.4, hook.GetProperty("value").GetDouble());
        var pd = _sink.Requests.Single(r => r.Path == "/pd").Json;
        Assert.Equal("trigger", pd.GetProperty("event_action").GetString());
        Assert.Equal("critical", pd.GetProperty("payload").GetProperty("severity").GetString());
        var dedup = pd.GetProperty("dedup_key").GetString();
        Assert.Equal("tollgate/errors/provider=openai", dedup);
        Assert.Single(Engine.ActiveAlerts, a => a.RuleId == "errors");

        // Still firing: no second notice.
        await Engine.EvaluateAsync(default);
        Assert.Equal(2, _sink.Requests.Count);

        // The errors age out of the window: resolved, to both channels, PagerDuty with the same dedup key.
        _time.Advance(TimeSpan.FromMinutes(10));
        await Engine.EvaluateAsync(default);
        await _sink.WaitForAsync(4);
        var resolved = _sink.Requests.Skip(2).ToList();
        Assert.Equal("resolved", resolved.Single(r => r.Path == "/hook").Json.GetProperty("event").GetString());
        var resolve = resolved.Single(r => r.Path == "/pd").Json;
        Assert.Equal("resolve", resolve.GetProperty("event_action").GetString());
        Assert.Equal(dedup, resolve.GetProperty("dedup_key").GetString());
        Assert.DoesNotContain(Engine.ActiveAlerts, a => a.RuleId == "errors");

        // It fires again within the hour's cooldown: active, but nobody is paged twice.
        await LogAsync(errors: 5, ok: 0);
        await Engine.EvaluateAsync(default);
        Assert.Single(Engine.ActiveAlerts, a => a.RuleId == "errors");
        Assert.Equal(4, _sink.Requests.Count);

        var (_, history) = await _gateway.AdminAsync(HttpMethod.Get, "/api/alerts/history?rule_id=errors");
        Assert.Equal(["resolved", "resolved", "triggered", "triggered"],
            history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BudgetUsage_FiresEachLevelOnce_AsSpendCrossesIt()
    {
        await SpendAsync(0.60m);
        await Engine.EvaluateAsync(default);
        await _sink.WaitForAsync(1);
        var first = Assert.Single(_sink.Requests).Json;
        Assert.Equal("50%", first.GetProperty("instance").GetString());
        Assert.Equal(60, first.GetProperty("value").GetDouble());
        Assert.Contains("0.60 of 1.00 USD", first.GetProperty("summary").GetString(), StringComparison.Ordinal);

        await Engine.EvaluateAsync(default);
        Assert.Single(_sink.Requests);

        await SpendAsync(0.40m);
        await Engine.EvaluateAsync(default);
        await _sink.WaitForAsync(2);
        Assert.Equal("100%", _sink.Requests.Last().Json.GetProperty("instance").GetString());
        Assert.Equal(["50%", "100%"], Engine.ActiveAlerts.Where(a => a.RuleId == "budget").Select(a => a.Instance).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task Evaluate_OnAnInstanceThatIsNotTheLeader_SendsNothing()
    {
        _leadership.IsLeader = false;
        await LogAsync(errors: 10, ok: 0);
        await SpendAsync(1m);

        await Engine.EvaluateAsync(default);

        Assert.Empty(Engine.ActiveAlerts);
        Assert.Empty(_sink.Requests);
    }

    [Fact]
    public async Task Webhook_RetriesWithBackoffOnTheInjectedClock()
    {
        _sink.Fail(503, 503);
        var send = Engine.TestAsync("hook", default);
        var advanced = TimeSpan.Zero;
        while (!send.IsCompleted && advanced < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(20);
            _time.Advance(TimeSpan.FromMilliseconds(250));
            advanced += TimeSpan.FromMilliseconds(250);
        }

        var delivery = await send;
        Assert.NotNull(delivery);
        Assert.True(delivery.Ok);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(3, _sink.Requests.Count);
        // 1 s, then 2 s between the attempts.
        Assert.True(advanced >= TimeSpan.FromSeconds(3), $"advanced only {advanced}");
    }

    private async Task LogAsync(int errors, int ok)
    {
        var writer = _gateway.Services.GetRequiredService<RequestLogWriter>();
        var now = _time.GetUtcNow();
        for (var i = 0; i < errors + ok; i++)
        {
            Assert.True(writer.TryEnqueue(RequestLogEntries.Ok($"e-{Guid.NewGuid():N}", now.AddSeconds(-60 + i)) with
            {
                Status = i < errors ? 500 : 200,
                ErrorType = i < errors ? "server_error" : null,
            }));
        }

        await writer.FlushAsync();
    }

    private Task SpendAsync(decimal usd)
    {
        var governance = _gateway.Services.GetRequiredService<GovernanceService>();
        var budget = _gateway.Services.GetRequiredService<GovernanceRegistry>().Current.Budgets["b1"];
        var ledger = governance.LedgerFor(budget);
        var now = _time.GetUtcNow();
        var nano = (long)(usd * 1_000_000_000m);
        Assert.True(ledger.TryReserve(0, now, out _));
        ledger.Settle(0, nano, now, now);
        return Task.CompletedTask;
    }
}
