using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api.Auth;

/// <summary>
/// Team-scoped roles over every admin route: users of team alpha walk the app's whole endpoint list, with every route
/// parameter filled by an entity of team bravo, and nothing of bravo is readable or writable. Every id, name and prompt of
/// bravo contains "bravo" and nothing of alpha does, so a leak shows as the word in a response.
/// </summary>
public sealed partial class TeamScopeTests : IAsyncLifetime
{
    private const string AlphaPassword = "alpha-admin-pw-1";

    // The routes a team-scoped caller may reach; every other one must answer 403 team_scope. Marking a new route
    // AllowTeamScope means adding it here, after making its handler narrow to the team.
    private static readonly string[] TeamRoutes =
    [
        "GET /api/virtual-keys", "POST /api/virtual-keys", "GET /api/virtual-keys/{id}", "PUT /api/virtual-keys/{id}",
        "DELETE /api/virtual-keys/{id}", "POST /api/virtual-keys/{id}/rotate", "POST /api/virtual-keys/{id}/revoke",
        "GET /api/budgets", "POST /api/budgets", "GET /api/budgets/{id}", "PUT /api/budgets/{id}", "DELETE /api/budgets/{id}",
        "GET /api/teams", "GET /api/teams/{id}", "GET /api/usage",
        "GET /api/logs", "GET /api/logs/export", "GET /api/logs/stats", "GET /api/logs/{id}",
        "GET /api/auth/me", "POST /api/auth/password", "POST /api/auth/logout",
    ];

    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;
    private string _bravoLogId = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "client": { "enforce_auth_on_inference": true },
              "providers": { "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa", "value": "sk-test-team-scope" }] } }
            }
            """);

        await CreateAsync("/api/budgets", """{ "id": "budget-alpha", "max_limit": 50, "reset_duration": "1M" }""");
        await CreateAsync("/api/budgets", """{ "id": "budget-bravo", "max_limit": 70, "reset_duration": "1M" }""");
        await CreateAsync("/api/budgets", """{ "id": "budget-shared", "max_limit": 90, "reset_duration": "1M" }""");
        await CreateAsync("/api/rate-limits", """{ "id": "rl-bravo", "request_max_limit": 100, "request_reset_duration": "1m" }""");
        await CreateAsync("/api/customers", """{ "id": "cust-bravo", "name": "Bravo Corp" }""");
        await CreateAsync("/api/teams", """{ "id": "team-alpha", "name": "Alpha", "budget_id": "budget-shared" }""");
        await CreateAsync("/api/teams", """{ "id": "team-bravo", "name": "Bravo", "customer_id": "cust-bravo", "budget_id": "budget-shared" }""");
        var alphaKey = await CreateAsync("/api/virtual-keys", """{ "id": "vk-alpha", "name": "alpha key", "team_id": "team-alpha", "budget_id": "budget-alpha" }""");
        var bravoKey = await CreateAsync("/api/virtual-keys",
            """{ "id": "vk-bravo", "name": "bravo key", "team_id": "team-bravo", "budget_id": "budget-bravo", "rate_limit_id": "rl-bravo" }""");

        using (var alpha = await _gateway.ChatAsync("openai/gpt-4o-mini", alphaKey.GetProperty("value").GetString(), content: "alpha question"))
        using (var bravo = await _gateway.ChatAsync("openai/gpt-4o-mini", bravoKey.GetProperty("value").GetString(), content: "bravo question"))
        {
            Assert.Equal(HttpStatusCode.OK, alpha.StatusCode);
            Assert.Equal(HttpStatusCode.OK, bravo.StatusCode);
        }

        // The log writer batches off the request path: wait (bounded) until both requests are in the log.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<JsonElement> logs;
        while ((logs = [.. (await _gateway.AdminAsync(HttpMethod.Get, "/api/logs")).Body.GetProperty("data").EnumerateArray()]).Count < 2
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        _bravoLogId = logs.Single(e => e.GetProperty("team_id").GetString() == "team-bravo").GetProperty("id").GetString()!;
        await CreateAsync("/api/users", $$"""{ "username": "alpha-admin", "password": "{{AlphaPassword}}", "role": "admin", "team_id": "team-alpha" }""");
        await CreateAsync("/api/users", $$"""{ "username": "alpha-viewer", "password": "{{AlphaPassword}}", "role": "viewer", "team_id": "team-alpha" }""");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Theory]
    [InlineData("alpha-admin")]
    [InlineData("alpha-viewer")]
    public async Task TeamScopedUser_WalkingEveryAdminRoute_NeitherReadsNorChangesAnotherTeam(string username)
    {
        using var client = await SignInAsync(username);
        var before = await BravoStateAsync();
        var reached = new List<string>();

        foreach (var (method, pattern) in ApiRoutes())
        {
            if (pattern is "/api/auth/login" or "/api/auth/logout" or "/api/auth/sso")
            {
                continue;
            }

            var path = BravoPath(pattern);
            var body = method == "GET" ? null : BravoBody(pattern);
            var reply = await client.SendAsync(new HttpMethod(method), path, body);
            var context = $"{username}: {method} {path}: {(int)reply.Status} {reply.Text}";
            if (reply.ErrorCode == "team_scope" && reply.Status == HttpStatusCode.Forbidden)
            {
                continue;
            }

            reached.Add($"{method} {pattern}");
            Assert.True(TeamRoutes.Contains($"{method} {pattern}"), "a route outside the team allow-list answered: " + context);
            Assert.True(reply.Status != HttpStatusCode.Unauthorized, context);
            if (reply.Response.IsSuccessStatusCode)
            {
                // A success says nothing of bravo at all, not even an id the request named (that would be bravo's entity answering).
                Assert.DoesNotMatch(Bravo(), reply.Text);
            }
            else
            {
                // An error may repeat what was asked ("virtual key 'vk-bravo' does not exist"), never more of bravo.
                var sent = path + body;
                Assert.All(Bravo().Matches(reply.Text).Select(m => m.Value), marker => Assert.True(sent.Contains(marker, StringComparison.Ordinal), context));
            }
        }

        Assert.Equal(before, await BravoStateAsync());
        if (username == "alpha-admin")
        {
            // The walk reached the team routes rather than bouncing off all of them.
            Assert.Contains("PUT /api/virtual-keys/{id}", reached);
            Assert.Contains("GET /api/logs/{id}", reached);
        }
    }

    [Fact]
    public async Task TeamAdmin_ManagesItsOwnKeysAndBudgets_AndSeesOnlyItsLogsAndUsage()
    {
        using var admin = await SignInAsync("alpha-admin");

        var me = await admin.GetAsync("/api/auth/me");
        Assert.Equal("team-alpha", me.Body.GetProperty("team_id").GetString());
        Assert.Equal(["vk-alpha"], Ids(await admin.GetAsync("/api/virtual-keys")));
        // budget-shared is on both teams: the platform's, not alpha's.
        Assert.Equal(["budget-alpha"], Ids(await admin.GetAsync("/api/budgets")));
        Assert.Equal(["team-alpha"], Ids(await admin.GetAsync("/api/teams")));
        var logs = await admin.GetAsync("/api/logs");
        Assert.Equal(["team-alpha"], logs.Body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("team_id").GetString()));
        var usage = await admin.GetAsync("/api/usage?group_by=team");
        Assert.Equal(["team-alpha"], usage.Body.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        Assert.Equal("team_scope", (await admin.GetAsync("/api/logs?team_id=team-bravo")).ErrorCode);

        var renamed = await admin.SendAsync(HttpMethod.Put, "/api/virtual-keys/vk-alpha", """{ "name": "alpha renamed", "team_id": "team-alpha", "budget_id": "budget-alpha" }""");
        Assert.True(renamed.Status == HttpStatusCode.OK, renamed.Text);
        var budget = await admin.SendAsync(HttpMethod.Put, "/api/budgets/budget-alpha", """{ "max_limit": 55, "reset_duration": "1M" }""");
        Assert.True(budget.Status == HttpStatusCode.OK, budget.Text);

        // A new budget is the team's once one of its keys uses it.
        Assert.Equal(HttpStatusCode.Created, (await admin.SendAsync(HttpMethod.Post, "/api/budgets", """{ "id": "budget-alpha-2", "max_limit": 5, "reset_duration": "1d" }""")).Status);
        var created = await admin.SendAsync(HttpMethod.Post, "/api/virtual-keys", """{ "id": "vk-alpha-2", "name": "second", "team_id": "team-alpha", "budget_id": "budget-alpha-2" }""");
        Assert.True(created.Status == HttpStatusCode.Created, created.Text);
        Assert.Contains("budget-alpha-2", Ids(await admin.GetAsync("/api/budgets")));

        // Reaching outside the team in a body is refused, not silently narrowed.
        foreach (var outside in (string[])[
            """{ "name": "k", "team_id": "team-bravo" }""",
            """{ "name": "k" }""",
            """{ "name": "k", "team_id": "team-alpha", "budget_id": "budget-bravo" }""",
            """{ "name": "k", "team_id": "team-alpha", "budget_id": "budget-shared" }""",
            """{ "name": "k", "team_id": "team-alpha", "rate_limit_id": "rl-bravo" }"""])
        {
            var reply = await admin.SendAsync(HttpMethod.Post, "/api/virtual-keys", outside);
            Assert.True(reply.Status == HttpStatusCode.Forbidden && reply.ErrorCode == "team_scope", outside + ": " + reply.Text);
        }
    }

    [Fact]
    public async Task TeamViewer_ReadsItsTeam_ButChangesNothing()
    {
        using var viewer = await SignInAsync("alpha-viewer");

        Assert.Equal(["vk-alpha"], Ids(await viewer.GetAsync("/api/virtual-keys")));
        var put = await viewer.SendAsync(HttpMethod.Put, "/api/virtual-keys/vk-alpha", """{ "name": "viewer was here", "team_id": "team-alpha" }""");
        Assert.Equal(HttpStatusCode.Forbidden, put.Status);
        Assert.Equal("insufficient_role", put.ErrorCode);
    }

    [Fact]
    public async Task TeamScope_NeedsAnExistingTeam_AndAScopeChangeIsARoleChange()
    {
        var (unknown, _) = await _gateway.AdminAsync(HttpMethod.Post, "/api/users", """{ "username": "ghost", "password": "ghost-password-1", "role": "admin", "team_id": "no-such-team" }""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var (teamOnly, _) = await _gateway.AdminAsync(HttpMethod.Put, "/api/users/alpha-viewer", """{ "team_id": "team-bravo" }""");
        Assert.Equal(HttpStatusCode.BadRequest, teamOnly.StatusCode);

        using var viewer = await SignInAsync("alpha-viewer");
        var (moved, body) = await _gateway.AdminAsync(HttpMethod.Put, "/api/users/alpha-viewer", """{ "role": "viewer", "team_id": "team-bravo" }""");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("team-bravo", body.GetProperty("team_id").GetString());
        // The old session, with alpha's scope, ends with the change.
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/virtual-keys")).Status);
        using var again = await SignInAsync("alpha-viewer");
        Assert.Equal(["vk-bravo"], Ids(await again.GetAsync("/api/virtual-keys")));
    }

    private async Task<JsonElement> CreateAsync(string path, string json)
    {
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Post, path, json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {body}");
        return body;
    }

    private async Task<UiClient> SignInAsync(string username)
    {
        var client = new UiClient(_gateway);
        var login = await client.LoginAsync(username, AlphaPassword);
        Assert.True(login.Status == HttpStatusCode.OK, login.Text);
        return client;
    }

    /// <summary>Bravo's entities as a global admin sees them; any change by the walk shows as a difference.</summary>
    private async Task<string> BravoStateAsync()
    {
        var parts = new List<string>();
        foreach (var path in (string[])["/api/virtual-keys/vk-bravo", "/api/budgets/budget-bravo", "/api/teams/team-bravo", "/api/customers/cust-bravo",
            "/api/rate-limits/rl-bravo", "/api/users", $"/api/logs/{_bravoLogId}"])
        {
            var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, path);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {body}");
            parts.Add(Regex.Replace(body.GetRawText(), "\"(spent|reserved|remaining)_usd\":[^,}]*", ""));
        }

        return string.Join("\n", parts);
    }

    private static List<string> Ids(UiClient.Reply reply)
    {
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Text);
        return [.. reply.Body.EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
    }

    /// <summary>A route's path with each parameter naming bravo's entity of that kind.</summary>
    private string BravoPath(string pattern)
    {
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var value = segments.Length > 1 ? segments[1] switch
        {
            "virtual-keys" => "vk-bravo",
            "budgets" => "budget-bravo",
            "teams" => "team-bravo",
            "customers" => "cust-bravo",
            "rate-limits" => "rl-bravo",
            "logs" => _bravoLogId,
            "users" => "admin",
            "providers" => "openai",
            _ => "x",
        } : "x";
        return Parameter().Replace(pattern, value).TrimEnd('/');
    }

    /// <summary>A body that would harm bravo if accepted: move things into bravo, or change bravo's entity in place.</summary>
    private static string BravoBody(string pattern) => pattern switch
    {
        "/api/virtual-keys" => """{ "id": "vk-sneak", "name": "sneak", "team_id": "team-bravo" }""",
        "/api/virtual-keys/{id}" => """{ "name": "taken", "team_id": "team-alpha" }""",
        "/api/budgets/{id}" => """{ "max_limit": 100000, "reset_duration": "1M" }""",
        "/api/budgets" => """{ "id": "budget-bravo", "max_limit": 1, "reset_duration": "1M" }""",
        "/api/users" => """{ "username": "sneak", "password": "sneak-password-1", "role": "admin" }""",
        "/api/users/{username}" => """{ "role": "viewer" }""",
        _ => """{ "name": "taken", "team_id": "team-bravo" }""",
    };

    /// <summary>Every (method, pattern) under /api from the running app's endpoint list; deletes last.</summary>
    private List<(string Method, string Pattern)> ApiRoutes()
    {
        var routes = new List<(string, string)>();
        foreach (var endpoint in _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "PUT", "DELETE"])
                {
                    routes.Add((method, pattern));
                }
            }
        }

        Assert.True(routes.Count > 30, $"only {routes.Count} admin routes found");
        return [.. routes.Distinct().OrderBy(r => r.Item1 == "DELETE").ThenBy(r => r.Item2, StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("[A-Za-z0-9_.-]*bravo[A-Za-z0-9_.-]*", RegexOptions.IgnoreCase)]
    private static partial Regex Bravo();
}
