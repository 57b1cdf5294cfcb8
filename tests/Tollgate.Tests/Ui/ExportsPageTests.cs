using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Tollgate.Observability.RequestLogs;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability.RequestLogs;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.Tests.Ui;

/// <summary>
/// The Exports page in Debian's Chromium: a schedule from the config file, "Run now" exporting the closed windows to a
/// real directory, and the runs with their status and rows.
/// </summary>
public sealed class ExportsPageTests : IAsyncLifetime
{
    // A clock that stands still at the real now (the browser checks the session cookie's expiry against its own clock),
    // so the scheduler never ticks during the test; the two hours before the current one are closed windows.
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateTimeOffset T0 = new DateTimeOffset(Now.Year, Now.Month, Now.Day, Now.Hour, 0, 0, TimeSpan.Zero).AddHours(-2);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly string _out = Path.Combine(Path.GetTempPath(), "tollgate-tests", "ui-exports-" + Guid.NewGuid().ToString("N"));
    private GatewayHost _gateway = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "client": { "log_retention_days": 0 },
              "exports": {
                "destinations": [{ "id": "archive", "type": "directory", "path": "{{_out}}" }],
                "schedules": [{ "id": "hourly", "destination": "archive", "format": "jsonl", "cron": "0 * * * *", "gzip": true, "delay_seconds": 0, "start": "{{T0:yyyy-MM-ddTHH:mm:ssZ}}" }]
              }
            }
            """, services => services.AddSingleton<TimeProvider>(_time), extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", UiFixture.AdminPassword]);
        var writer = _gateway.Services.GetRequiredService<RequestLogWriter>();
        for (var i = 0; i < 30; i++)
        {
            Assert.True(writer.TryEnqueue(RequestLogEntries.Ok($"ui-export-{i}", T0.AddMinutes(i * 4))));
        }

        await writer.FlushAsync();
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
        try
        {
            Directory.Delete(_out, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ExportsPage_RunNow_ExportsTheClosedWindows_AndShowsTheRuns()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _gateway.BaseUrl, Locale = "en-US", TimezoneId = "UTC" });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await UiSteps.LoginAsync(page, "admin", UiFixture.AdminPassword);

        await page.TestId("nav-exports").ClickAsync();
        await Expect(page.TestId("exports-page")).ToBeVisibleAsync();
        await Expect(page.TestId("schedule-hourly")).ToContainTextAsync("jsonl + gzip");
        await Expect(page.TestId("schedule-hourly")).ToContainTextAsync("none yet");
        await Expect(page.TestId("destination-archive")).ToContainTextAsync(_out);
        await Expect(page.TestId("exports-no-runs")).ToBeVisibleAsync();

        await page.TestId("run-hourly").ClickAsync();
        await Expect(page.TestId("toast")).ToContainTextAsync("hourly: 2 window(s) exported");
        await Expect(page.TestId("schedule-status-hourly")).ToHaveTextAsync("done");
        var rows = page.TestId("exports-runs-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("15");
        var newest = T0.AddHours(1);
        await Expect(rows.Nth(0)).ToContainTextAsync($"hourly-{newest:yyyyMMdd'T'HHmmss'Z'}-{newest.AddHours(1):yyyyMMdd'T'HHmmss'Z'}.jsonl.gz");
        Assert.Equal(4, Directory.GetFiles(Path.Combine(_out, "hourly"), "*", SearchOption.AllDirectories).Length);

        await page.TestId("run-hourly").ClickAsync();
        await Expect(page.TestId("toast").Last).ToContainTextAsync("no window is due yet");
        await UiSteps.ScreenshotAsync(page, "exports");
        await context.DisposeAsync();
    }
}
