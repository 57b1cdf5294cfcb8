using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api.Auth;

/// <summary>
/// Who may call what under <c>/api</c>. The routes come from the running app's endpoint list, so an admin route added
/// later is covered without touching these tests.
/// </summary>
public sealed partial class AdminAccessTests(AuthGatewayFixture fixture) : IClassFixture<AuthGatewayFixture>
{
    // Routes a signed-in user may call with any method on themselves.
    private static readonly string[] SelfService = ["/api/auth/logout", "/api/auth/me", "/api/auth/password"];

    // The only routes that answer without credentials: password sign-in and what the login page shows (GET /api/auth/sso).
    private static readonly string[] Public = ["/api/auth/login", "/api/auth/sso"];

    private GatewayHost Gateway => fixture.Gateway;

    [Fact]
    public async Task EveryApiRoute_ExceptThePublicOnes_Answers401WithoutCredentials()
    {
        using var anonymous = new UiClient(Gateway);
        var routes = ApiRoutes();
        Assert.Contains(routes, r => r.Path == "/api/virtual-keys/x/rotate");
        Assert.Contains(routes, r => r.Path == "/api/openapi.json");

        foreach (var (method, path) in routes.Where(r => !Public.Contains(r.Path)))
        {
            var reply = await anonymous.SendAsync(new HttpMethod(method), path, method == "GET" ? null : "{}", csrf: null, session: false);
            Assert.True(reply.Status == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)reply.Status} {reply.Text}");
            Assert.Equal("invalid_admin_token", reply.ErrorCode);
        }
    }

    [Fact]
    public async Task Viewer_CanReadEverythingButUsersAndAudit_AndEveryMutatingRouteIs403()
    {
        using var viewer = await fixture.SignInNewUserAsync("viewer");

        foreach (var (method, path) in ApiRoutes().Where(r => !Public.Contains(r.Path) && !SelfService.Contains(r.Path)))
        {
            var reply = await viewer.SendAsync(new HttpMethod(method), path, method == "GET" ? null : "{}");
            var context = $"{method} {path}: {(int)reply.Status} {reply.Text}";
            // Users and the audit log (who changed what, users' roles included) are for admins alone.
            if (method == "GET" && !path.StartsWith("/api/users", StringComparison.Ordinal) && !path.StartsWith("/api/audit", StringComparison.Ordinal))
            {
                // 404 for the placeholder ids is fine: the request got past authorisation.
                Assert.True(reply.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), context);
            }
            else
            {
                Assert.True(reply.Status == HttpStatusCode.Forbidden, context);
                Assert.Equal("insufficient_role", reply.ErrorCode);
            }
        }
    }

    [Fact]
    public async Task Editor_CreatesAVirtualKey_ButCannotSeeOrCreateUsers()
    {
        using var editor = await fixture.SignInNewUserAsync("editor");

        var key = await editor.SendAsync(HttpMethod.Post, "/api/virtual-keys", """{ "name": "from-editor" }""");
        var list = await editor.GetAsync("/api/users");
        var create = await editor.SendAsync(HttpMethod.Post, "/api/users", """{ "username": "sneaky", "password": "sneaky-pw-1", "role": "admin" }""");

        Assert.True(key.Status == HttpStatusCode.Created, key.Text);
        Assert.Equal(HttpStatusCode.Forbidden, list.Status);
        Assert.Equal("insufficient_role", list.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        Assert.Equal("insufficient_role", create.ErrorCode);
        var (_, users) = await Gateway.AdminAsync(HttpMethod.Get, "/api/users");
        Assert.DoesNotContain(users.EnumerateArray(), u => u.GetProperty("username").GetString() == "sneaky");
    }

    [Fact]
    public async Task Session_MutationWithoutOrWithWrongCsrf_Is403_WithTheRightOneSucceeds()
    {
        using var editor = await fixture.SignInNewUserAsync("editor");
        var team = $$"""{ "id": "t-{{Guid.NewGuid():N}}", "name": "csrf team" }""";

        var missing = await editor.SendAsync(HttpMethod.Post, "/api/teams", team, csrf: null);
        var wrong = await editor.SendAsync(HttpMethod.Post, "/api/teams", team, csrf: "not-" + editor.CsrfToken);
        var right = await editor.SendAsync(HttpMethod.Post, "/api/teams", team);

        Assert.Equal(HttpStatusCode.Forbidden, missing.Status);
        Assert.Equal("csrf_failed", missing.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.Status);
        Assert.Equal("csrf_failed", wrong.ErrorCode);
        Assert.True(right.Status == HttpStatusCode.Created, right.Text);
        // Reads need no CSRF token.
        Assert.Equal(HttpStatusCode.OK, (await editor.SendAsync(HttpMethod.Get, "/api/teams", null, csrf: null)).Status);
    }

    [Fact]
    public async Task Logout_WithoutCsrf_Is403_SoAnotherSiteCannotSignYouOut()
    {
        using var viewer = await fixture.SignInNewUserAsync("viewer");

        var forged = await viewer.SendAsync(HttpMethod.Post, "/api/auth/logout", null, csrf: null);

        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/auth/me")).Status);
    }

    [Fact]
    public async Task BearerToken_StillReachesEveryRoute_WithoutCsrf()
    {
        foreach (var (method, path) in ApiRoutes().Where(r => r.Path != "/api/auth/login"))
        {
            // Bodies are placeholders, so 400/404/409 are expected; what matters is that authorisation let it through.
            var (response, body) = await Gateway.AdminAsync(new HttpMethod(method), path, method == "GET" ? null : "{}");
            Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {path}: {(int)response.StatusCode} {body}");
        }
    }

    [Fact]
    public async Task WrongBearerToken_IsNotRescuedByAValidCookie()
    {
        using var admin = new UiClient(Gateway);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", AuthGatewayFixture.AdminPassword)).Status);

        var reply = await admin.SendAsync(HttpMethod.Get, "/api/virtual-keys", null, csrf: null, configure: r =>
            r.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "tga-wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    /// <summary>Every (method, path) under /api, with route parameters filled by a placeholder.</summary>
    private List<(string Method, string Path)> ApiRoutes()
    {
        var routes = new List<(string, string)>();
        foreach (var endpoint in Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }

            var path = Parameter().Replace(pattern, "x").TrimEnd('/');
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "PUT", "DELETE"])
            {
                routes.Add((method, path));
            }
        }

        Assert.True(routes.Count > 30, $"only {routes.Count} admin routes found");
        // Deleting "x" or demoting nobody is harmless, but run the riskier routes last all the same.
        return [.. routes.Distinct().OrderBy(r => r.Item1 == "DELETE").ThenBy(r => r.Item2, StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
