using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Auth;
using Tollgate.Storage;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api.Auth;

/// <summary><c>/api/users</c>: admins manage users; sessions end when a user changes; the last admin stays.</summary>
public sealed class UsersApiTests(AuthGatewayFixture fixture) : IClassFixture<AuthGatewayFixture>
{
    private GatewayHost Gateway => fixture.Gateway;

    [Fact]
    public async Task Admin_CreatesListsUpdatesAndDeletesUsers_WithoutEverShowingAPasswordOrHash()
    {
        using var admin = await fixture.SignInNewUserAsync("admin");
        const string Password = "carol-secret-pw-1";

        var created = await admin.SendAsync(HttpMethod.Post, "/api/users", """{ "username": "carol.x@example", "password": "carol-secret-pw-1", "role": "viewer" }""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("carol.x@example", created.Body.GetProperty("username").GetString());
        Assert.Equal("viewer", created.Body.GetProperty("role").GetString());
        Assert.True(created.Body.TryGetProperty("created_at", out _));

        var duplicate = await admin.SendAsync(HttpMethod.Post, "/api/users", """{ "username": "carol.x@example", "password": "another-pw-1", "role": "viewer" }""");
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal("user_exists", duplicate.ErrorCode);

        using var carol = new UiClient(Gateway);
        var carolLogin = await carol.LoginAsync("carol.x@example", Password);
        Assert.Equal("viewer", carolLogin.Body.GetProperty("role").GetString());

        var list = await admin.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var names = list.Body.EnumerateArray().Select(u => u.GetProperty("username").GetString()).ToList();
        Assert.Contains("admin", names);
        Assert.Contains("carol.x@example", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.All(list.Body.EnumerateArray(), u => Assert.Equal(["username", "role", "created_at", "updated_at"], u.EnumerateObject().Select(p => p.Name)));

        // A role change takes effect at the next sign-in: the user's sessions end.
        var promoted = await admin.SendAsync(HttpMethod.Put, "/api/users/carol.x@example", """{ "role": "editor" }""");
        Assert.Equal(HttpStatusCode.OK, promoted.Status);
        Assert.Equal("editor", promoted.Body.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await carol.GetAsync("/api/auth/me")).Status);
        Assert.Equal("editor", (await carol.LoginAsync("carol.x@example", Password)).Body.GetProperty("role").GetString());

        var deleted = await admin.SendAsync(HttpMethod.Delete, "/api/users/carol.x@example");
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await carol.GetAsync("/api/auth/me")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SendAsync(HttpMethod.Delete, "/api/users/carol.x@example")).Status);

        foreach (var reply in new[] { created, duplicate, carolLogin, list, promoted })
        {
            Assert.DoesNotContain(Password, reply.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("pbkdf2", reply.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("hash", reply.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("""{ "username": "", "password": "long-enough-1", "role": "viewer" }""", "username")]
    [InlineData("""{ "username": "has space", "password": "long-enough-1", "role": "viewer" }""", "username")]
    [InlineData("""{ "username": "admin-token", "password": "long-enough-1", "role": "admin" }""", "username")]
    [InlineData("""{ "username": "okname", "password": "short", "role": "viewer" }""", "password")]
    [InlineData("""{ "username": "okname", "password": "long-enough-1", "role": "Admin" }""", "role")]
    [InlineData("""{ "username": "okname", "password": "long-enough-1" }""", "role")]
    public async Task Create_InvalidUser_Is400NamingTheField(string body, string param)
    {
        var (response, error) = await Gateway.AdminAsync(HttpMethod.Post, "/api/users", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, error.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Create_A65CharacterName_Is400_A64CharacterNameIsFine()
    {
        var (tooLong, _) = await Gateway.AdminAsync(HttpMethod.Post, "/api/users", $$"""{ "username": "{{new string('a', 65)}}", "password": "long-enough-1", "role": "viewer" }""");
        var (longest, body) = await Gateway.AdminAsync(HttpMethod.Post, "/api/users", $$"""{ "username": "{{new string('b', 64)}}", "password": "long-enough-1", "role": "viewer" }""");

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True(longest.StatusCode == HttpStatusCode.Created, body.ToString());
    }

    [Fact]
    public async Task Update_UnknownField_Is400_NotASilentNoOp()
    {
        var (response, _) = await Gateway.AdminAsync(HttpMethod.Put, "/api/users/admin", """{ "rol": "viewer" }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Admin_CannotDeleteThemselves()
    {
        using var admin = await fixture.SignInNewUserAsync("admin");
        var me = (await admin.GetAsync("/api/auth/me")).Body.GetProperty("username").GetString();

        var reply = await admin.SendAsync(HttpMethod.Delete, $"/api/users/{me}");

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("cannot_delete_self", reply.ErrorCode);
    }

    [Fact]
    public async Task LastAdmin_CanBeNeitherDemotedNorDeleted_UntilAnotherAdminExists()
    {
        // A gateway of its own: other tests here create admins.
        await using var gateway = await GatewayHost.StartAsync(configJson: null, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", AuthGatewayFixture.AdminPassword]);
        using var admin = new UiClient(gateway);
        await admin.LoginAsync("admin", AuthGatewayFixture.AdminPassword);

        var demote = await admin.SendAsync(HttpMethod.Put, "/api/users/admin", """{ "role": "editor" }""");
        var (delete, deleteBody) = await gateway.AdminAsync(HttpMethod.Delete, "/api/users/admin");

        Assert.Equal(HttpStatusCode.Conflict, demote.Status);
        Assert.Equal("last_admin", demote.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Equal("last_admin", deleteBody.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/auth/me")).Status);

        var second = await admin.SendAsync(HttpMethod.Post, "/api/users", """{ "username": "second-admin", "password": "second-admin-pw", "role": "admin" }""");
        Assert.Equal(HttpStatusCode.Created, second.Status);
        var demoted = await admin.SendAsync(HttpMethod.Put, "/api/users/admin", """{ "role": "viewer" }""");
        Assert.Equal(HttpStatusCode.OK, demoted.Status);
        var (remaining, remainingBody) = await gateway.AdminAsync(HttpMethod.Delete, "/api/users/second-admin");
        Assert.Equal(HttpStatusCode.Conflict, remaining.StatusCode);
        Assert.Equal("last_admin", remainingBody.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Bootstrap_UsesTheVariableOnce_AndNeverOverwritesAnExistingUser()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await GatewayHost.StartAsync(configJson: null, directory: directory, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", "first-start-pw"]))
            {
                using var ui = new UiClient(first);
                Assert.Equal(HttpStatusCode.OK, (await ui.LoginAsync("admin", "first-start-pw")).Status);
            }

            await using var second = await GatewayHost.StartAsync(configJson: null, directory: directory, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", "second-start-pw"]);
            using var again = new UiClient(second);
            Assert.Equal(HttpStatusCode.Unauthorized, (await again.LoginAsync("admin", "second-start-pw")).Status);
            Assert.Equal(HttpStatusCode.OK, (await again.LoginAsync("admin", "first-start-pw")).Status);
            var (_, users) = await second.AdminAsync(HttpMethod.Get, "/api/users");
            Assert.Equal("admin", Assert.Single(users.EnumerateArray()).GetProperty("username").GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SignIn_UpgradesAHashMadeWithFewerIterations()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var before = await GatewayHost.StartAsync(configJson: null, directory: directory, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", "upgrade-me-pw"]))
            {
                Assert.StartsWith($"pbkdf2-sha256${GatewayHost.TestPasswordIterations}$", StoredHash(before), StringComparison.Ordinal);
            }

            // The same store after the work factor was raised: the old hash still signs in, and is then replaced.
            await using var after = await GatewayHost.StartAsync(configJson: null, directory: directory,
                configureServices: services => services.AddSingleton(new PasswordHasher(GatewayHost.TestPasswordIterations * 2)));
            using var ui = new UiClient(after);
            Assert.Equal(HttpStatusCode.OK, (await ui.LoginAsync("admin", "upgrade-me-pw")).Status);
            Assert.StartsWith($"pbkdf2-sha256${GatewayHost.TestPasswordIterations * 2}$", StoredHash(after), StringComparison.Ordinal);
            using var again = new UiClient(after);
            Assert.Equal(HttpStatusCode.OK, (await again.LoginAsync("admin", "upgrade-me-pw")).Status);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        static string StoredHash(GatewayHost gateway) => gateway.Services.GetRequiredService<IGatewayStore>().GetUser("admin")!.PasswordHash;
    }

    [Fact]
    public async Task Bootstrap_WithAShortPassword_FailsTheStartNamingTheVariable()
    {
        var ex = await Assert.ThrowsAsync<Tollgate.Configuration.ConfigException>(() =>
            GatewayHost.StartAsync(configJson: null, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", "short"]));

        Assert.Equal("TOLLGATE_ADMIN_PASSWORD", ex.JsonPath);
        Assert.DoesNotContain("short", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_WithoutTheVariable_CreatesAnAdminWithAnUnguessablePassword()
    {
        await using var gateway = await GatewayHost.StartAsync(configJson: null);

        var (_, users) = await gateway.AdminAsync(HttpMethod.Get, "/api/users");

        var admin = Assert.Single(users.EnumerateArray());
        Assert.Equal("admin", admin.GetProperty("username").GetString());
        Assert.Equal("admin", admin.GetProperty("role").GetString());
        using var ui = new UiClient(gateway);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ui.LoginAsync("admin", "admin")).Status);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheAuthUserAndSettingsRoutes()
    {
        var (response, document) = await Gateway.AdminAsync(HttpMethod.Get, "/api/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/login", "/api/auth/me", "/api/users", "/api/users/{username}", "/api/settings" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }
    }
}
