using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tollgate.Tests.Functional;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.Tests.Ui;

/// <summary>
/// The README's promise, in a browser: sign in, add a Databricks workspace, create a virtual key, call the gateway with
/// it, find the call in the logs and on the dashboard, compare two models in the playground. One test, because each
/// step builds on the one before (as a user's first five minutes do); every step asserts what the user would see.
/// </summary>
public sealed class UiTourTests(UiFixture fixture) : IClassFixture<UiFixture>
{
    private const string DatabricksPat = "dapi-test-pat-ui-tour";

    [Fact]
    public async Task FirstFiveMinutes_ProviderKeyRequestLogsDashboardPlayground()
    {
        var page = await fixture.NewPageAsync();
        // Script errors fail the test. Chromium also logs every 4xx fetch as a console error ("Failed to load resource");
        // those are expected here (the first /api/auth/me before signing in, the playground asking for a log not yet written).
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                scriptErrors.Add(message.Text);
            }
        };

        // ---- sign in ----
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/ui/login"));
        await UiSteps.ScreenshotAsync(page, "login");
        await UiSteps.LoginAsync(page, "admin", UiFixture.AdminPassword);
        await Expect(page.TestId("nav-role")).ToHaveTextAsync("admin");

        // ---- add a Databricks workspace (PAT) and see its discovered serving endpoints ----
        await page.TestId("nav-providers").ClickAsync();
        await Expect(page.TestId("provider-row-openai")).ToContainTextAsync("from config file");
        await page.TestId("add-provider").ClickAsync();
        var dialog = page.TestId("provider-dialog");
        await dialog.TestId("provider-type").SelectOptionAsync("databricks");
        await dialog.TestId("provider-name").FillAsync("dbx-prod");
        await dialog.TestId("provider-auth").SelectOptionAsync("pat");
        await dialog.TestId("provider-api-key").FillAsync(DatabricksPat);
        // The API's validation error lands next to the field it names.
        await dialog.TestId("provider-workspace-url").FillAsync("adb-123.azuredatabricks.net");
        await dialog.TestId("submit").ClickAsync();
        await Expect(dialog.TestId("provider-workspace-url-error")).ToContainTextAsync("URL");
        await dialog.TestId("provider-workspace-url").FillAsync(fixture.Emulator.DatabricksHost);
        await dialog.TestId("provider-api-key").FillAsync(DatabricksPat);
        await dialog.TestId("submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/ui/providers/dbx-prod$"));
        await Expect(page.TestId("model-row-databricks-meta-llama-3-3-70b-instruct")).ToContainTextAsync("dbx-prod/databricks-meta-llama-3-3-70b-instruct");
        await Expect(page.TestId("model-row-databricks-meta-llama-3-3-70b-instruct")).ToContainTextAsync("discovered");
        await Expect(page.TestId("key-masked-value")).Not.ToHaveTextAsync(DatabricksPat);
        Assert.DoesNotContain(DatabricksPat, await page.ContentAsync(), StringComparison.Ordinal);
        await UiSteps.ScreenshotAsync(page, "provider-detail");
        await page.TestId("nav-providers").ClickAsync();
        await Expect(page.TestId("provider-row-dbx-prod")).ToBeVisibleAsync();
        await UiSteps.ScreenshotAsync(page, "providers");

        // ---- create a virtual key; its value is shown once ----
        await page.TestId("nav-virtual-keys").ClickAsync();
        await page.TestId("empty-create-vk").Or(page.TestId("create-vk")).First.ClickAsync();
        var vkDialog = page.TestId("vk-dialog");
        await vkDialog.TestId("vk-name").FillAsync("checkout-service");
        await vkDialog.TestId("vk-description").FillAsync("Checkout's summaries");
        await vkDialog.TestId("vk-log-content").SelectOptionAsync("full");
        await vkDialog.TestId("submit").ClickAsync();
        var secret = page.TestId("vk-secret-value");
        await Expect(secret).ToHaveTextAsync(new Regex("^sk-tg-"));
        var virtualKey = (await secret.TextContentAsync())!;
        await Expect(page.TestId("vk-secret-dialog")).ToContainTextAsync("shown only once");
        await UiSteps.ScreenshotAsync(page, "virtual-key-created");
        await page.TestId("vk-secret-done").ClickAsync();
        await Expect(page.TestId("vk-secret-dialog")).ToHaveCountAsync(0);
        var row = page.TestId("vk-row-checkout-service");
        await Expect(row).ToContainTextAsync("active");
        Assert.DoesNotContain(virtualKey, await page.ContentAsync(), StringComparison.Ordinal);
        await UiSteps.ScreenshotAsync(page, "virtual-keys");

        // ---- an application calls the gateway with that key ----
        using var response = await fixture.Gateway.ChatAsync("openai/gpt-4o-mini", virtualKey, content: "summarise my basket");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var requestId = response.Headers.GetValues("x-request-id").Single();
        using (var viaDatabricks = await fixture.Gateway.ChatAsync("dbx-prod/databricks-meta-llama-3-3-70b-instruct", virtualKey, stream: true))
        {
            Assert.True(viaDatabricks.IsSuccessStatusCode);
        }

        await UiSteps.WaitForLogAsync(fixture.Gateway, requestId);

        // ---- the logs explorer shows it; its detail has the key, model and cost ----
        await page.TestId("nav-logs").ClickAsync();
        var logRow = page.TestId($"log-row-{requestId}");
        await Expect(logRow).ToContainTextAsync("checkout-service");
        await Expect(logRow).ToContainTextAsync("gpt-4o-mini");
        await UiSteps.ScreenshotAsync(page, "logs");
        await logRow.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/logs/{Regex.Escape(Uri.EscapeDataString(requestId))}$"));
        await Expect(page.TestId("log-detail-id")).ToHaveTextAsync(requestId);
        await Expect(page.TestId("log-detail-vk")).ToContainTextAsync("checkout-service");
        await Expect(page.TestId("log-detail-model")).ToHaveTextAsync("openai/gpt-4o-mini");
        await Expect(page.TestId("log-detail-cost")).ToHaveTextAsync(new Regex(@"^\$0\.\d+"));
        await Expect(page.TestId("log-request-body-text")).ToContainTextAsync("summarise my basket");
        await Expect(page.TestId("log-response-body-text")).ToContainTextAsync("You said: summarise my basket");
        await UiSteps.ScreenshotAsync(page, "request-detail");

        // ---- playground: two models side by side, same prompt, each with its own metrics ----
        await page.TestId("nav-playground").ClickAsync();
        await page.TestId("pg-mode-compare").ClickAsync();
        await page.TestId("pg-model-a").SelectOptionAsync("openai/gpt-4o");
        await page.TestId("pg-model-b").SelectOptionAsync("dbx-prod/databricks-meta-llama-3-3-70b-instruct");
        await page.TestId("pg-system").FillAsync("Answer in one sentence.");
        await page.TestId("pg-user").FillAsync("compare these two models");
        await page.TestId("pg-run").ClickAsync();
        foreach (var index in new[] { 0, 1 })
        {
            var panel = page.TestId($"pg-panel-{index}");
            await Expect(panel.TestId("pg-status")).ToHaveTextAsync("done");
            await Expect(panel.TestId("pg-answer")).ToContainTextAsync("You said: compare these two models");
            await Expect(panel.TestId("pg-latency")).ToHaveTextAsync(new Regex(@"^\d+(\.\d)? m?s$"));
            await Expect(panel.TestId("pg-ttft")).ToHaveTextAsync(new Regex(@"^\d+(\.\d)? m?s$"));
            await Expect(panel.TestId("pg-tokens")).ToHaveTextAsync(new Regex(@"^\d+ in · \d+ out$"));
            await Expect(panel.TestId("pg-cost")).ToHaveTextAsync(new Regex(@"^\$\d"));
        }

        await Expect(page.TestId("pg-panel-0").TestId("pg-panel-model")).ToContainTextAsync("openai/gpt-4o");
        await Expect(page.TestId("pg-panel-1").TestId("pg-panel-model")).ToContainTextAsync("dbx-prod/");
        await UiSteps.ScreenshotAsync(page, "playground-compare");

        // ---- the dashboard counts the call ----
        await page.TestId("nav-dashboard").ClickAsync();
        await page.TestId("range-1h").ClickAsync();
        var topModel = page.TestId("top-model-openai/gpt-4o-mini");
        await Expect(topModel).ToBeVisibleAsync();
        await Expect(topModel.Locator("td").Nth(1)).ToHaveTextAsync("1");
        await Expect(page.TestId("card-requests-value")).ToHaveTextAsync(new Regex(@"^[1-9]"));
        await UiSteps.ScreenshotAsync(page, "dashboard");

        // ---- settings: the gateway's summary and, for an admin, the users ----
        await page.TestId("nav-settings").ClickAsync();
        await Expect(page.TestId("settings-version")).Not.ToHaveTextAsync("–");
        // One instance alone: the cluster panel lists it, leading, with its counters in memory.
        await Expect(page.TestId("cluster-mode")).ToHaveTextAsync("single");
        await Expect(page.TestId("cluster-table")).ToContainTextAsync("(this one)");
        await Expect(page.TestId("cluster-leader")).ToHaveTextAsync("leader");
        await Expect(page.TestId("user-row-admin")).ToContainTextAsync("admin");
        await UiSteps.ScreenshotAsync(page, "settings");

        Assert.Empty(scriptErrors);
        await page.Context.CloseAsync();
    }
}
