using System.Net;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Governance;

public sealed class GovernanceAdminApiTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "client": { "enforce_auth_on_inference": true },
              "providers": { "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa", "value": "sk-test-admin" }] } },
              "governance": {
                "budgets": [{ "id": "b-file", "max_limit": 5, "reset_duration": "1M" }],
                "teams": [{ "id": "file-team", "name": "From file", "budget_id": "b-file" }]
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task VirtualKey_CreatedOnce_UsableAtOnce_ValueNeverShownAgain()
    {
        var (created, body) = await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys", """{ "name": "svc", "team_id": "file-team" }""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var value = body.GetProperty("value").GetString()!;
        Assert.StartsWith("sk-tg-", value, StringComparison.Ordinal);
        using var chat = await _gateway.ChatAsync("openai/gpt-4o-mini", value);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        var (_, listed) = await _gateway.AdminAsync(HttpMethod.Get, "/api/virtual-keys");
        var text = listed.GetRawText();
        Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        Assert.DoesNotContain(value[6..], text, StringComparison.Ordinal);
        Assert.Contains(value[^4..], listed.EnumerateArray().Single().GetProperty("key_hint").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_OldKeyWorksDuringGrace_RevokeStopsEverything()
    {
        var (_, created) = await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys", """{ "id": "vk-rot", "name": "rot" }""");
        var oldValue = created.GetProperty("value").GetString()!;

        var (rotated, rotatedBody) = await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys/vk-rot/rotate", """{ "grace_period_seconds": 600 }""");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newValue = rotatedBody.GetProperty("value").GetString()!;
        Assert.NotEqual(oldValue, newValue);
        using (var oldStill = await _gateway.ChatAsync("openai/gpt-4o-mini", oldValue))
        using (var fresh = await _gateway.ChatAsync("openai/gpt-4o-mini", newValue))
        {
            Assert.Equal(HttpStatusCode.OK, oldStill.StatusCode);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys/vk-rot/rotate", "{}");  // no grace: the previous value dies at once
        using (var stale = await _gateway.ChatAsync("openai/gpt-4o-mini", newValue))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        }

        var (_, again) = await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys/vk-rot/rotate", "{}");
        var current = again.GetProperty("value").GetString()!;
        var (revoked, _) = await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys/vk-rot/revoke");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var afterRevoke = await _gateway.ChatAsync("openai/gpt-4o-mini", current);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Equal("virtual_key_disabled", (await afterRevoke.ErrorAsync()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/api/budgets", """{ "id": "b1", "max_limit": -5, "reset_duration": "1d" }""", "max_limit")]
    [InlineData("/api/budgets", """{ "id": "b1", "max_limit": "ten", "reset_duration": "1d" }""", "max_limit")]
    [InlineData("/api/budgets", """{ "id": "b1", "max_limit": 10, "reset_duration": "fortnight" }""", "reset_duration")]
    [InlineData("/api/budgets", """{ "id": "b1", "max_limit": 10 }""", "reset_duration")]
    [InlineData("/api/rate-limits", """{ "id": "r1", "request_max_limit": 0, "request_reset_duration": "1m" }""", "request_max_limit")]
    [InlineData("/api/rate-limits", """{ "id": "r1", "request_max_limit": 10, "request_reset_duration": "1 minute" }""", "request_reset_duration")]
    [InlineData("/api/rate-limits", """{ "id": "r1" }""", "")]
    [InlineData("/api/rate-limits", """{ "id": "r1", "token_max_limit": 100000000000, "token_reset_duration": "1m" }""", "token_max_limit")]
    [InlineData("/api/model-limits", """{ "id": "m1", "provider": "openai", "queries_per_second": 0 }""", "queries_per_second")]
    [InlineData("/api/teams", """{ "id": "t1", "name": "T", "customer_id": "nobody" }""", "customer_id")]
    [InlineData("/api/teams", """{ "id": "t1", "name": "T", "budget_id": "no-budget" }""", "budget_id")]
    [InlineData("/api/teams", """{ "id": "t1" }""", "name")]
    [InlineData("/api/virtual-keys", """{ "name": "k", "team_id": "ghost" }""", "team_id")]
    [InlineData("/api/virtual-keys", """{ "name": "k", "max_concurrent_requests": -1 }""", "max_concurrent_requests")]
    [InlineData("/api/virtual-keys", """{ "name": "k", "value": "sk-tg-chosen-by-client-123" }""", "value")]
    [InlineData("/api/virtual-keys", """{ "name": "k", "colour": "blue" }""", "colour")]
    public async Task BadInput_Is400NamingTheField_AndCreatesNothing(string path, string body, string field)
    {
        var (_, before) = await _gateway.AdminAsync(HttpMethod.Get, path);

        var (response, error) = await _gateway.AdminAsync(HttpMethod.Post, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field.Length == 0 ? "" : field, error.GetProperty("error").GetProperty("param").GetString() ?? "");
        var (_, after) = await _gateway.AdminAsync(HttpMethod.Get, path);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task DuplicateIdsAndNames_Are400()
    {
        await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys", """{ "id": "dup", "name": "dup-name" }""");

        var (sameId, _) = await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys", """{ "id": "dup", "name": "other" }""");
        var (sameName, nameError) = await _gateway.AdminAsync(HttpMethod.Post, "/api/virtual-keys", """{ "name": "dup-name" }""");
        var (sameTeam, _) = await _gateway.AdminAsync(HttpMethod.Post, "/api/teams", """{ "id": "file-team", "name": "again" }""");

        Assert.Equal(HttpStatusCode.BadRequest, sameId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, sameName.StatusCode);
        Assert.Equal("name", nameError.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, sameTeam.StatusCode);
    }

    [Fact]
    public async Task ConfigFileEntities_AreReadOnly_AndReferencedOnesCannotBeDeleted()
    {
        var (update, _) = await _gateway.AdminAsync(HttpMethod.Put, "/api/teams/file-team", """{ "name": "renamed" }""");
        Assert.Equal(HttpStatusCode.Conflict, update.StatusCode);

        await _gateway.AdminAsync(HttpMethod.Post, "/api/budgets", """{ "id": "b-used", "max_limit": 1, "reset_duration": "1d" }""");
        await _gateway.AdminAsync(HttpMethod.Post, "/api/customers", """{ "id": "cust", "name": "C", "budget_id": "b-used" }""");
        var (delete, error) = await _gateway.AdminAsync(HttpMethod.Delete, "/api/budgets/b-used");
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Equal("in_use", error.GetProperty("error").GetProperty("code").GetString());

        var (budgets, list) = await _gateway.AdminAsync(HttpMethod.Get, "/api/budgets");
        Assert.Equal(HttpStatusCode.OK, budgets.StatusCode);
        var fileBudget = list.EnumerateArray().Single(b => b.GetProperty("id").GetString() == "b-file");
        Assert.True(fileBudget.GetProperty("from_config_file").GetBoolean());
        Assert.Equal(5m, fileBudget.GetProperty("remaining_usd").GetDecimal());
    }

    [Fact]
    public async Task AdminApi_WithoutToken_Is401()
    {
        using var response = await _gateway.Client.GetAsync("/api/virtual-keys");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Pricing_ListsShippedPricesWithUnits()
    {
        var (response, prices) = await _gateway.AdminAsync(HttpMethod.Get, "/api/pricing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mini = prices.EnumerateArray().Single(p => p.GetProperty("model").GetString() == "openai/gpt-4o-mini");
        Assert.Equal(0.15m, mini.GetProperty("input_per_mtok").GetDecimal());
        Assert.Equal(0.075m, mini.GetProperty("cached_input_per_mtok").GetDecimal());
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheAdminAndInferenceEndpoints()
    {
        // Behind viewer auth like the rest of /api (admin users: docs/admin-users.md).
        var (response, document) = await _gateway.AdminAsync(HttpMethod.Get, "/api/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/virtual-keys", "/api/virtual-keys/{id}/rotate", "/api/budgets", "/api/usage", "/api/providers/{name}", "/v1/chat/completions" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }
    }
}
