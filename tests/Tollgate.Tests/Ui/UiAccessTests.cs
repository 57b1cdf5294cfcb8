using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tollgate.Tests.Functional;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.Tests.Ui;

/// <summary>Who may do what in the UI: a wrong password is told so, a viewer sees no edit controls and the server refuses them anyway.</summary>
public sealed class UiAccessTests(UiFixture fixture) : IClassFixture<UiFixture>
{
    [Fact]
    public async Task Login_WrongPassword_ShowsTheErrorAndStaysOnLogin()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/ui/providers");
        await Expect(page).ToHaveURLAsync(new Regex("/ui/login\\?next=providers"));
        await page.TestId("login-username").FillAsync("admin");
        await page.TestId("login-password").FillAsync("not-the-password");
        await page.TestId("login-submit").ClickAsync();

        await Expect(page.TestId("login-error")).ToBeVisibleAsync();
        await Expect(page.TestId("login-error")).Not.ToBeEmptyAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/ui/login"));
        await UiSteps.ScreenshotAsync(page, "login-error");

        // The right password then lands on the page the user first asked for.
        await page.TestId("login-password").FillAsync(UiFixture.AdminPassword);
        await page.TestId("login-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/ui/providers$"));
        await Expect(page.TestId("add-provider")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Viewer_SeesNoEditControls_AndAForcedPostIsRefused()
    {
        var (created, _) = await fixture.Gateway.AdminAsync(HttpMethod.Post, "/api/users",
            """{"username":"vera","password":"viewer-password-1","role":"viewer"}""");
        Assert.True(created.IsSuccessStatusCode, $"creating the viewer: {(int)created.StatusCode}");

        var page = await fixture.NewPageAsync();
        await UiSteps.LoginAsync(page, "vera", "viewer-password-1");
        await Expect(page.TestId("nav-role")).ToHaveTextAsync("viewer");

        await page.TestId("nav-providers").ClickAsync();
        await Expect(page.TestId("provider-row-openai")).ToBeVisibleAsync();
        await Expect(page.TestId("add-provider")).ToHaveCountAsync(0);

        await page.TestId("nav-virtual-keys").ClickAsync();
        await Expect(page.TestId("page-title")).ToHaveTextAsync("Virtual keys");
        await Expect(page.TestId("loading")).ToHaveCountAsync(0);
        await Expect(page.TestId("create-vk")).ToHaveCountAsync(0);
        await Expect(page.TestId("empty-create-vk")).ToHaveCountAsync(0);

        await page.TestId("nav-budgets").ClickAsync();
        await Expect(page.TestId("loading")).ToHaveCountAsync(0);
        await Expect(page.TestId("create")).ToHaveCountAsync(0);
        await Expect(page.TestId("empty-create")).ToHaveCountAsync(0);

        await page.TestId("nav-playground").ClickAsync();
        await Expect(page.TestId("pg-run")).ToBeDisabledAsync();

        await page.TestId("nav-settings").ClickAsync();
        await Expect(page.TestId("settings-role")).ToHaveTextAsync("viewer");
        await Expect(page.TestId("users")).ToHaveCountAsync(0);

        // Hidden buttons are a courtesy; the server decides. The same request the UI would send, with the CSRF token:
        var answer = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const me = await (await fetch('/api/auth/me')).json();
              const response = await fetch('/api/virtual-keys', {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
                body: JSON.stringify({ name: 'sneaky' }),
              });
              return { status: response.status, body: await response.json() };
            }
            """);
        Assert.Equal(403, answer.GetProperty("status").GetInt32());
        Assert.Equal("insufficient_role", answer.GetProperty("body").GetProperty("error").GetProperty("code").GetString());

        var (keys, body) = await fixture.Gateway.AdminAsync(HttpMethod.Get, "/api/virtual-keys");
        Assert.True(keys.IsSuccessStatusCode);
        Assert.DoesNotContain(body.EnumerateArray(), k => k.GetProperty("name").GetString() == "sneaky");
        await page.Context.CloseAsync();
    }
}
