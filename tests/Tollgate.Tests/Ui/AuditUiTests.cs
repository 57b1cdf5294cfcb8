using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Tollgate.Tests.Functional;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.Tests.Ui;

/// <summary>The Audit page in a real browser: entries with before/after, filters, and the chain check before and after a row is edited.</summary>
public sealed class AuditUiTests(UiFixture fixture) : IClassFixture<UiFixture>
{
    [Fact]
    public async Task AuditPage_ShowsChanges_FiltersThem_AndVerifyNamesAnEditedRow()
    {
        var (created, _) = await fixture.Gateway.AdminAsync(HttpMethod.Post, "/api/teams", """{ "id": "t-audit", "name": "Audited team" }""");
        Assert.True(created.IsSuccessStatusCode);
        var page = await fixture.NewPageAsync();
        await UiSteps.LoginAsync(page, "admin", UiFixture.AdminPassword);

        await page.TestId("nav-audit").ClickAsync();
        await Expect(page.TestId("page-title")).ToHaveTextAsync("Audit log");
        await Expect(page.TestId("audit-table")).ToContainTextAsync("POST /api/auth/login");
        await page.TestId("audit-filter-action").FillAsync("teams");
        await page.TestId("audit-filter-action").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("action=teams"));
        var row = page.Locator("[data-testid^='audit-row-']");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.First.GetByTestId("audit-action")).ToHaveTextAsync("POST /api/teams/");
        await Expect(row.First.GetByTestId("audit-actor")).ToHaveTextAsync("admin-token");
        await row.First.ClickAsync();
        await Expect(page.TestId("audit-after")).ToContainTextAsync("Audited team");

        await page.TestId("audit-verify").ClickAsync();
        await Expect(page.TestId("audit-verify-ok")).ToContainTextAsync("The chain holds");
        await UiSteps.ScreenshotAsync(page, "audit");

        var id = (await row.First.GetAttributeAsync("data-testid"))!["audit-row-".Length..];
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Gateway.Directory, "data", "tollgate.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE audit_log SET after_json = '{{\"name\":\"Someone else\"}}' WHERE id = {long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)}";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await page.TestId("audit-verify").ClickAsync();
        await Expect(page.TestId("audit-verify-failed")).ToContainTextAsync($"broken at entry #{id}");
        await page.Context.CloseAsync();
    }
}
