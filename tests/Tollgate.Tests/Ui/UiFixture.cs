using Microsoft.Playwright;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Ui;

/// <summary>
/// A real gateway (with the upstream emulator behind it and a first admin whose password the tests know) and one
/// headless Chromium, shared by the tests of one class. Debian's Chromium is used as it is: no browser download.
/// </summary>
public sealed class UiFixture : IAsyncLifetime
{
    public const string AdminPassword = "ui-test-admin-password";
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public EmulatorHost Emulator { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        // OpenAI comes from the config file (read-only in the UI); the tests add a Databricks workspace through the UI.
        var config = $$"""
            {
              "providers": {
                "openai": {
                  "base_url": "{{Emulator.OpenAIBaseUrl}}",
                  "keys": [{ "name": "oa-1", "value": "{{GatewayFixture.OpenAIKey}}", "models": ["*"] }]
                }
              }
            }
            """;
        Gateway = await GatewayHost.StartAsync(config, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", AdminPassword]);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    /// <summary>A fresh browser context (own cookies) on the gateway, light scheme and a desktop viewport for stable screenshots.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Gateway.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            ColorScheme = ColorScheme.Light,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
