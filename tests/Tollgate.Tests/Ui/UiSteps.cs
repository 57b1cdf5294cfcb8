using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Tollgate.Tests.Functional;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.Tests.Ui;

/// <summary>Steps the UI tests share: sign in, screenshots, waiting for the request log.</summary>
internal static class UiSteps
{
    public static ILocator TestId(this IPage page, string id) => page.GetByTestId(id);

    public static ILocator TestId(this ILocator scope, string id) => scope.GetByTestId(id);

    public static async Task LoginAsync(IPage page, string username, string password)
    {
        await page.GotoAsync("/ui/login");
        await page.TestId("login-username").FillAsync(username);
        await page.TestId("login-password").FillAsync(password);
        await page.TestId("login-submit").ClickAsync();
        await Expect(page.TestId("nav-role")).ToBeVisibleAsync();
    }

    /// <summary>
    /// Saves a full-page screenshot to TOLLGATE_SCREENSHOTS_DIR when set (relative paths from the repository root, so
    /// <c>TOLLGATE_SCREENSHOTS_DIR=docs/screenshots</c> refreshes the docs), otherwise to the test output folder.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var configured = Environment.GetEnvironmentVariable("TOLLGATE_SCREENSHOTS_DIR");
        var directory = string.IsNullOrEmpty(configured)
            ? Path.Combine(AppContext.BaseDirectory, "screenshots")
            : Path.IsPathRooted(configured) ? configured : Path.Combine(RepositoryRoot(), configured);
        Directory.CreateDirectory(directory);
        // No spinner may be caught mid-turn: every load has finished when a screenshot is taken.
        await Expect(page.TestId("loading")).ToHaveCountAsync(0);
        // Toasts are transient confirmations of the step before; they would only cover the page being shown. (Not the
        // screenshot's Style option: it injects an inline <style>, which the UI's CSP rightly refuses.)
        await page.EvaluateAsync("() => document.querySelectorAll('.toasts').forEach(t => t.remove())");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(directory, $"{name}.png"),
            Animations = ScreenshotAnimations.Disabled,
        });
    }

    /// <summary>The request log is written off the request path; wait (bounded) until the gateway has this entry.</summary>
    public static async Task WaitForLogAsync(GatewayHost gateway, string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/logs/{requestId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
            using var response = await gateway.Client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"request {requestId} was not logged within 15 s (last status {(int)response.StatusCode})");
            await Task.Delay(100);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tollgate.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
