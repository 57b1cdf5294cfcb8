using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Fuzz;

/// <summary>
/// Mutated bodies against every admin API route that takes one, walked from the gateway's own endpoint list (as
/// AdminAccessTests does), so a new route is fuzzed without anyone remembering to add it.
/// </summary>
public sealed partial class AdminFuzzTests(FuzzGatewayFixture fixture) : IClassFixture<FuzzGatewayFixture>
{
    /// <summary>Per route in the suite; about 30 routes, a few seconds in all.</summary>
    private const int SuiteTriesPerRoute = 60;

    /// <summary>Valid bodies by route prefix (longest match wins); a route with none starts from <c>{}</c>.</summary>
    private static readonly (string Prefix, string Body)[] Seeds =
    [
        ("/api/virtual-keys/", """{"name":"renamed","budget_id":null,"is_active":true}"""),
        ("/api/virtual-keys", """{"id":"vk-fuzz","name":"fuzz","team_id":null,"provider_configs":[{"provider":"openai","allowed_models":["*"],"weight":1}],"fallbacks":["openai/gpt-4o-mini"]}"""),
        ("/api/virtual-keys/x/rotate", """{"grace_period_seconds":600}"""),
        ("/api/teams", """{"id":"t-fuzz","name":"T","customer_id":null,"budget_id":null}"""),
        ("/api/customers", """{"id":"c-fuzz","name":"C","budget_id":null}"""),
        ("/api/budgets", """{"id":"b-fuzz","max_limit":10.5,"reset_duration":"1M","calendar_aligned":true}"""),
        ("/api/rate-limits", """{"id":"r-fuzz","request_max_limit":10,"request_reset_duration":"1m","token_max_limit":1000,"token_reset_duration":"1h"}"""),
        ("/api/model-limits", """{"id":"m-fuzz","provider":"openai","queries_per_second":5}"""),
        ("/api/providers", """{"base_url":"http://127.0.0.1:9/v1","keys":[{"name":"k","value":"sk-test-fuzz","models":["*"],"weight":1}],"network_config":{"max_retries":1,"extra_headers":{"x-a":"b"}}}"""),
        ("/api/users", """{"username":"fuzzer","password":"fuzz-password-1","role":"viewer"}"""),
        ("/api/auth/login", """{"username":"admin","password":"wrong-password"}"""),
        ("/api/auth/password", """{"current_password":"x","new_password":"yyyyyyyy"}"""),
        ("/api/route/explain", """{"model":"openai/gpt-4o-mini","fallbacks":["groq/llama-3.3-70b-versatile"],"metadata":{"a":"b"},"headers":{"x-team":"ml"}}"""),
        ("/api/playground/chat/completions", """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":8}"""),
    ];

    private static readonly (string Path, string Body)[] Existing =
    [
        ("/api/budgets", """{"id":"x","max_limit":10,"reset_duration":"1d"}"""),
        ("/api/rate-limits", """{"id":"x","request_max_limit":10,"request_reset_duration":"1m"}"""),
        ("/api/model-limits", """{"id":"x","provider":"openai","queries_per_second":5}"""),
        ("/api/customers", """{"id":"x","name":"X"}"""),
        ("/api/teams", """{"id":"x","name":"X"}"""),
        ("/api/virtual-keys", """{"id":"x","name":"X"}"""),
        ("/api/users", """{"username":"x","password":"fuzz-password-x","role":"viewer"}"""),
    ];

    [Fact]
    public async Task MutatedBodies_OnEveryAdminRoute_AreAnsweredOrRejectedCleanly()
    {
        var budget = FuzzBudget.FromEnvironment(SuiteTriesPerRoute);
        // Entities with the id the routes' placeholder names, so PUT /api/teams/x and friends reach their validation.
        foreach (var (path, body) in Existing)
        {
            var (created, reply) = await fixture.Gateway.AdminAsync(HttpMethod.Post, path, body);
            Assert.True(created.IsSuccessStatusCode, $"{path}: {reply}");
        }

        var reports = new List<FuzzReport>();
        foreach (var target in BodyRoutes())
        {
            reports.Add(await FuzzRunner.RunAsync(fixture.Gateway.Client, target, budget,
                request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken)));
        }

        foreach (var report in reports)
        {
            Console.WriteLine(report.Summary);
        }

        Assert.True(reports.Count > 15, $"only {reports.Count} admin routes with a body found");
        Assert.True(reports.All(r => r.Failures.Count == 0), string.Join("\n", reports.Where(r => r.Failures.Count > 0).Select(r => r.Details)));
        // Some mutations must get past validation, or the fuzzer never reaches the code behind it.
        Assert.True(reports.Count(r => r.Statuses.Keys.Any(s => s is >= 200 and < 300)) > 5, string.Join("\n", reports.Select(r => r.Summary)));
    }

    /// <summary>Every POST/PUT/PATCH under /api with its route parameters filled in.</summary>
    private List<FuzzTarget> BodyRoutes()
    {
        var targets = new List<FuzzTarget>();
        foreach (var endpoint in fixture.Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }

            var path = Parameter().Replace(pattern, "x").TrimEnd('/');
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (method is "POST" or "PUT" or "PATCH")
                {
                    var seed = Seeds.Where(s => path.StartsWith(s.Prefix, StringComparison.Ordinal)).OrderByDescending(s => s.Prefix.Length).Select(s => s.Body).FirstOrDefault() ?? "{}";
                    targets.Add(new FuzzTarget($"{method} {path}", method, path, [seed]));
                }
            }
        }

        return [.. targets.DistinctBy(t => t.Name).OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
