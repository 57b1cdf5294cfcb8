using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Tollgate.Secrets;
using Tollgate.Tests.Functional;
using Tollgate.VaultEmulator;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.Tests.Ui;

/// <summary>A vault outage as an admin sees it in the browser: the Settings page's vault panel turns to failing with the store's error.</summary>
public sealed class VaultUiTests : IAsyncLifetime
{
    private VaultEmulatorHost _vaults = null!;
    private GatewayHost _gateway = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        _vaults = await VaultEmulatorHost.StartAsync();
        _vaults.HashiCorp.Put("secret", "llm", new Dictionary<string, string> { ["openai"] = "sk-test-ui-vault" });
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "vaults": { "hv": { "type": "hashicorp", "address": "{{_vaults.HashiCorpAddress}}", "token": "{{_vaults.HashiCorp.RootToken}}", "refresh_seconds": 30 } },
              "providers": { "openai": { "base_url": "http://127.0.0.1:9/v1", "keys": [{ "name": "main", "value": "vault.hv/llm#openai" }] } }
            }
            """, services => services.AddSingleton<TimeProvider>(_time), extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", UiFixture.AdminPassword]);
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
        await _vaults.DisposeAsync();
    }

    [Fact]
    public async Task SettingsPage_ShowsEachVault_AndAnOutageWithItsError()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _gateway.BaseUrl, ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await UiSteps.LoginAsync(page, "admin", UiFixture.AdminPassword);
        await page.TestId("nav-settings").ClickAsync();
        await Expect(page.TestId("vault-status-hv")).ToHaveTextAsync("ok");
        await Expect(page.TestId("vaults-failing")).ToHaveCountAsync(0);

        _vaults.HashiCorp.Sealed = true;
        _time.Advance(TimeSpan.FromSeconds(31));
        await _gateway.Services.GetRequiredService<VaultRefresher>().RefreshDueAsync(CancellationToken.None);
        await page.ReloadAsync();

        await Expect(page.TestId("vault-status-hv")).ToHaveTextAsync("failing");
        await Expect(page.TestId("vaults-failing")).ToContainTextAsync("last good values");
        await Expect(page.TestId("vault-error-hv")).ToContainTextAsync("Vault is sealed");
        await Expect(page.TestId("vaults")).Not.ToContainTextAsync("sk-test-ui-vault");
        await UiSteps.ScreenshotAsync(page, "settings-vault-failing");
        await context.CloseAsync();
    }
}
