using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Observability.RequestLogs;
using Tollgate.Operations.Alerts;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability.RequestLogs;
using Tollgate.Tests.Operations;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.Tests.Ui;

/// <summary>
/// The Alerts page in Debian's Chromium against a real gateway whose config declares channels and a rule: the tables,
/// a test send that reaches an HTTP sink and shows in the history, and a firing rule under "Firing now".
/// </summary>
public sealed class AlertsPageTests : IAsyncLifetime
{
    private HttpSink _sink = null!;
    private GatewayHost _gateway = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _sink = await HttpSink.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "alerts": {
                "evaluation_interval_seconds": 3600,
                "channels": [
                  { "id": "ops-hook", "type": "webhook", "url": "{{_sink.Url}}/hook", "secret": "ui-test-secret" },
                  { "id": "ops-slack", "type": "slack", "url": "{{_sink.Url}}/services/T1/B1/SECRETPATH" }
                ],
                "rules": [
                  { "id": "openai-errors", "type": "error_rate", "provider": "openai", "threshold": 0.1, "min_requests": 3,
                    "severity": "critical", "channels": ["ops-hook", "ops-slack"] }
                ]
              }
            }
            """, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", UiFixture.AdminPassword]);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = UiFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _gateway.DisposeAsync();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task AlertsPage_ShowsChannelsAndRules_SendsATest_AndListsWhatFires()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _gateway.BaseUrl, Locale = "en-US", TimezoneId = "UTC" });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await UiSteps.LoginAsync(page, "admin", UiFixture.AdminPassword);

        await page.TestId("nav-alerts").ClickAsync();
        await Expect(page.TestId("alerts-page")).ToBeVisibleAsync();
        await Expect(page.TestId("alerts-none-firing")).ToBeVisibleAsync();
        await Expect(page.TestId("channel-ops-hook")).ToContainTextAsync("webhook");
        await Expect(page.TestId("channel-ops-hook")).ToContainTextAsync("HMAC");
        // The Slack URL's path is its credential: only scheme and host are shown.
        await Expect(page.TestId("channel-ops-slack")).ToContainTextAsync(new Uri(_sink.Url).Authority);
        await Expect(page.TestId("alerts-channels")).Not.ToContainTextAsync("SECRETPATH");
        await Expect(page.TestId("rule-openai-errors")).ToContainTextAsync("error rate > 10.0%");
        await Expect(page.TestId("rule-openai-errors")).ToContainTextAsync("provider=openai");
        await Expect(page.TestId("alerts-no-history")).ToBeVisibleAsync();

        await page.TestId("test-channel-ops-slack").ClickAsync();
        await Expect(page.TestId("toast")).ToContainTextAsync("Test notice sent to ops-slack");
        await Expect(page.TestId("delivery-ops-slack")).ToHaveTextAsync("sent");
        var received = Assert.Single(_sink.Requests);
        Assert.Equal("/services/T1/B1/SECRETPATH", received.Path);
        Assert.True(received.Json.TryGetProperty("blocks", out _));

        // Errors to openai: the next evaluation fires the rule, and the page lists it.
        var writer = _gateway.Services.GetRequiredService<RequestLogWriter>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(writer.TryEnqueue(RequestLogEntries.Ok($"ui-alert-{i}", DateTimeOffset.UtcNow.AddSeconds(-10 - i)) with { Status = 502, ErrorType = "upstream_error" }));
        }

        await writer.FlushAsync();
        await _gateway.Services.GetRequiredService<AlertEngine>().EvaluateAsync(default);
        await page.ReloadAsync();
        await Expect(page.TestId("active-openai-errors")).ToContainTextAsync("provider=openai");
        await Expect(page.TestId("active-openai-errors")).ToContainTextAsync("ops-hook, ops-slack");
        await Expect(page.TestId("history-ops-hook-triggered")).ToBeVisibleAsync();
        await UiSteps.ScreenshotAsync(page, "alerts");
        await context.DisposeAsync();
    }
}
