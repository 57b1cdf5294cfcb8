using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Tollgate.Audit;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Storage;

namespace Tollgate.Tests.Audit;

/// <summary>The audit log on real gateways: every write route leaves an entry, secrets are masked, and an edited row is found.</summary>
public sealed partial class AuditTests
{
    private const string ProviderSecret = "sk-test-audit-secret-0001";
    private const string RotatedSecret = "sk-test-audit-secret-0002";

    [Fact]
    public async Task EveryWriteRoute_UnderApi_ProducesAnEntry()
    {
        await using var gateway = await GatewayHost.StartAsync(null);
        var routes = WriteRoutes(gateway);
        foreach (var (method, pattern, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
            using var _ = await gateway.Client.SendAsync(request);
        }

        var entries = await AllEntriesAsync(gateway);
        var missing = routes.Where(r => !entries.Any(e => e.GetProperty("action").GetString() == $"{r.Method} {r.Pattern}"
            && e.GetProperty("target").GetString() == r.Path)).ToList();
        Assert.True(missing.Count == 0, "no audit entry for: " + string.Join(", ", missing.Select(m => $"{m.Method} {m.Path}")));
        Assert.True(routes.Count >= 20, $"only {routes.Count} write routes found");
        Assert.All(entries.Where(e => e.GetProperty("action").GetString() != "POST /api/auth/login"),
            e => Assert.Equal("token", e.GetProperty("actor_kind").GetString()));
    }

    [Fact]
    public async Task SignIns_ThatFailAndSucceed_AreEntries_WithoutThePassword()
    {
        await using var gateway = await GatewayHost.StartAsync(null, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", "audit-admin-password"]);
        using var wrong = await gateway.Client.PostAsync("/api/auth/login", Json("""{"username":"admin","password":"not-the-password"}"""));
        using var right = await gateway.Client.PostAsync("/api/auth/login", Json("""{"username":"admin","password":"audit-admin-password"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);

        var (_, page) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?action=auth/login");
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["success", "failure"], entries.Select(e => e.GetProperty("outcome").GetString()));
        Assert.All(entries, e =>
        {
            Assert.Equal("admin", e.GetProperty("actor").GetString());
            Assert.Equal("127.0.0.1", e.GetProperty("source").GetString());
        });
        Assert.DoesNotContain("not-the-password", page.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("audit-admin-password", page.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderChange_HasBeforeAndAfter_WithSecretsMasked_InTheApiAndBothExports()
    {
        await using var gateway = await GatewayHost.StartAsync(null);
        await PutProviderAsync(gateway, ProviderSecret);
        await PutProviderAsync(gateway, RotatedSecret);

        var (_, page) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?target=/api/providers/second&limit=1");
        var entry = page.GetProperty("entries")[0];
        Assert.Equal("PUT /api/providers/{name}", entry.GetProperty("action").GetString());
        Assert.Equal("sk-t…0001", entry.GetProperty("before").GetProperty("keys")[0].GetProperty("value").GetString());
        Assert.Equal("sk-t…0002", entry.GetProperty("after").GetProperty("keys")[0].GetProperty("value").GetString());

        var jsonl = await ExportAsync(gateway, "jsonl");
        var csv = await ExportAsync(gateway, "csv");
        foreach (var text in new[] { page.GetRawText(), jsonl, csv })
        {
            Assert.DoesNotContain(ProviderSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(RotatedSecret, text, StringComparison.Ordinal);
        }

        Assert.Equal(2, jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("id,time,actor_kind,actor,source,action,target,status,outcome,before,after,hash\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paging_FollowsTheCursor_AndFiltersNarrow()
    {
        await using var gateway = await GatewayHost.StartAsync(null);
        for (var i = 0; i < 5; i++)
        {
            await gateway.AdminAsync(HttpMethod.Post, "/api/teams", $$"""{ "id": "t-{{i}}", "name": "Team {{i}}" }""");
        }

        await gateway.AdminAsync(HttpMethod.Delete, "/api/teams/no-such-team");

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var (_, page) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?limit=2" + (cursor is null ? "" : "&before=" + cursor));
            seen.AddRange(page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal([6, 5, 4, 3, 2, 1], seen);
        var (_, failures) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?outcome=failure");
        Assert.Equal("/api/teams/no-such-team", Assert.Single(failures.GetProperty("entries").EnumerateArray()).GetProperty("target").GetString());
        var (_, creates) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?action=POST&actor=admin-token");
        Assert.Equal(5, creates.GetProperty("entries").GetArrayLength());
        var (bad, _) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?outcome=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task EditedRow_InSqlite_IsNamedByVerify()
    {
        await using var gateway = await GatewayHost.StartAsync(null);
        await MakeEntriesAsync(gateway);
        Assert.True((await VerifyAsync(gateway)).GetProperty("ok").GetBoolean());

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(gateway.Directory, "data", "tollgate.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_log SET actor = 'mallory' WHERE id = 2";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var verdict = await VerifyAsync(gateway);
        Assert.False(verdict.GetProperty("ok").GetBoolean());
        Assert.Equal(2, verdict.GetProperty("first_bad_id").GetInt64());
        Assert.Contains("altered", verdict.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedNewestRows_AreFoundByVerify_AgainstTheChainHead()
    {
        await using var gateway = await GatewayHost.StartAsync(null);
        await MakeEntriesAsync(gateway);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(gateway.Directory, "data", "tollgate.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM audit_log WHERE id >= 3";
            Assert.Equal(2, await command.ExecuteNonQueryAsync());
        }

        var verdict = await VerifyAsync(gateway);
        Assert.False(verdict.GetProperty("ok").GetBoolean());
        Assert.Contains("chain ends at 4", verdict.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_DeletesOldEntries_RecordsThatItDid_AndTheChainStillVerifies()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayHost.StartAsync("""{ "client": { "audit_retention_days": 30 } }""",
            services => services.AddSingleton<TimeProvider>(time));
        await MakeEntriesAsync(gateway);
        time.Advance(TimeSpan.FromDays(31));

        // The hourly sweep's timer fired on the advanced clock; wait for its entry rather than for time to pass.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<JsonElement> entries;
        while ((entries = await AllEntriesAsync(gateway)).Count != 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var retention = Assert.Single(entries);
        Assert.Equal("audit.retention", retention.GetProperty("action").GetString());
        Assert.Equal(4, retention.GetProperty("after").GetProperty("deleted").GetInt32());
        Assert.Equal(0, gateway.Services.GetRequiredService<AuditRetention>().Sweep());
        var verdict = await VerifyAsync(gateway);
        Assert.True(verdict.GetProperty("ok").GetBoolean(), verdict.GetRawText());
        Assert.Equal(5, verdict.GetProperty("first_id").GetInt64());
    }

    [Fact]
    public async Task ConfigFileReload_IsAnEntry_OfTheConfigFileActor()
    {
        await using var gateway = await GatewayHost.StartAsync("""{ "client": { "log_retention_days": 30 } }""");
        await File.WriteAllTextAsync(gateway.ConfigPath, """{ "client": { "log_retention_days": 31 } }""");

        // The file watcher reloads on its own thread; wait (bounded) for its entry.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<JsonElement> entries;
        while ((entries = await AllEntriesAsync(gateway)).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var reload = Assert.Single(entries);
        Assert.Equal("config.reload", reload.GetProperty("action").GetString());
        Assert.Equal("config_file", reload.GetProperty("actor_kind").GetString());
        Assert.Equal(Path.GetFullPath(gateway.ConfigPath), reload.GetProperty("actor").GetString());
        Assert.Equal("success", reload.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task AuditApi_IsForAdminsOnly()
    {
        await using var gateway = await GatewayHost.StartAsync(null);
        await gateway.AdminAsync(HttpMethod.Post, "/api/users", """{"username":"vic","password":"viewer-password-1","role":"editor"}""");
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        using var login = await client.PostAsync("/api/auth/login", Json("""{"username":"vic","password":"viewer-password-1"}"""));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/audit");
        request.Headers.Add("Cookie", string.Join("; ", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    internal static async Task MakeEntriesAsync(GatewayHost gateway)
    {
        for (var i = 0; i < 4; i++)
        {
            var (response, _) = await gateway.AdminAsync(HttpMethod.Post, "/api/teams", $$"""{ "id": "team-{{i}}", "name": "Team {{i}}" }""");
            Assert.True(response.IsSuccessStatusCode);
        }
    }

    private static async Task PutProviderAsync(GatewayHost gateway, string key)
    {
        var (response, body) = await gateway.AdminAsync(HttpMethod.Put, "/api/providers/second",
            $$"""{ "custom_provider_config": { "base_provider_type": "openai" }, "base_url": "http://127.0.0.1:9/v1", "keys": [{ "name": "k", "value": "{{key}}" }] }""");
        Assert.True(response.IsSuccessStatusCode, body.ToString());
    }

    internal static async Task<JsonElement> VerifyAsync(GatewayHost gateway) => (await gateway.AdminAsync(HttpMethod.Get, "/api/audit/verify")).Body;

    private static async Task<List<JsonElement>> AllEntriesAsync(GatewayHost gateway)
    {
        var (_, page) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?limit=500");
        return [.. page.GetProperty("entries").EnumerateArray()];
    }

    private static async Task<string> ExportAsync(GatewayHost gateway, string format)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/audit/export?format={format}&target=/api/providers/second");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Every (method, pattern, path) of the app's endpoints under /api that is not a read, from the real endpoint list.</summary>
    private static List<(string Method, string Pattern, string Path)> WriteRoutes(GatewayHost gateway)
    {
        var routes = new List<(string, string, string)>();
        foreach (var endpoint in gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["POST", "PUT", "DELETE", "PATCH"])
            {
                if (method is not ("GET" or "HEAD"))
                {
                    routes.Add((method, pattern, Parameter().Replace(pattern, "x").TrimEnd('/')));
                }
            }
        }

        // Harmless against "x", but deletes last all the same.
        return [.. routes.Distinct().OrderBy(r => r.Item1 == "DELETE")];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
