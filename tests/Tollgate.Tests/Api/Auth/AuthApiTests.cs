using System.Net;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api.Auth;

/// <summary>Sign-in, sign-out, <c>/api/auth/me</c> and password changes over real HTTP.</summary>
public sealed class AuthApiTests(AuthGatewayFixture fixture) : IClassFixture<AuthGatewayFixture>
{
    private GatewayHost Gateway => fixture.Gateway;

    [Fact]
    public async Task Login_SetsAStrictHttpOnlyCookie_MeAnswersWithIt_LogoutEndsIt()
    {
        using var ui = new UiClient(Gateway);

        var login = await ui.LoginAsync("admin", AuthGatewayFixture.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal("admin", login.Body.GetProperty("username").GetString());
        Assert.Equal("admin", login.Body.GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(ui.CsrfToken));
        var cookie = UiClient.SessionCookie(login.Response)!;
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.False(cookie.Secure, "plain HTTP without X-Forwarded-Proto: a Secure cookie would never come back");
        Assert.True(cookie.Value.Length >= 43, "32 random bytes, base64url");

        var me = await ui.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal("admin", me.Body.GetProperty("username").GetString());
        Assert.Equal(ui.CsrfToken, me.Body.GetProperty("csrf_token").GetString());

        var logout = await ui.SendAsync(HttpMethod.Post, "/api/auth/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.Status);
        var expired = UiClient.SessionCookie(logout.Response)!;
        Assert.True(expired.Expires < DateTimeOffset.UtcNow, "logout expires the cookie");
        Assert.True(expired.HttpOnly);

        var after = await ui.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.Equal("invalid_admin_token", after.ErrorCode);
    }

    [Fact]
    public async Task Login_BehindATlsProxy_SetsASecureCookie()
    {
        using var ui = new UiClient(Gateway);

        var login = await ui.LoginAsync("admin", AuthGatewayFixture.AdminPassword, r => r.Headers.Add("X-Forwarded-Proto", "https"));

        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.True(UiClient.SessionCookie(login.Response)!.Secure);
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownUser_AnswerTheSame401()
    {
        using var ui = new UiClient(Gateway);

        var wrong = await ui.LoginAsync("admin", "not-the-password");
        var unknown = await ui.LoginAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], "not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("invalid_credentials", wrong.ErrorCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(wrong.Text, unknown.Text);
        Assert.Null(UiClient.SessionCookie(wrong.Response));
        Assert.DoesNotContain("not-the-password", wrong.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{ "username": "admin", "password": "x", "extra": 1 }""")]
    [InlineData("[]")]
    public async Task Login_BadBody_Is400(string body)
    {
        using var ui = new UiClient(Gateway);

        var reply = await ui.SendAsync(HttpMethod.Post, "/api/auth/login", body, csrf: null, session: false);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_request_error", reply.Body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Login_WithAFormContentType_Is415_SoAnotherSiteCannotPostIt()
    {
        using var ui = new UiClient(Gateway);

        var reply = await ui.SendAsync(HttpMethod.Post, "/api/auth/login", null, csrf: null, session: false, configure: r =>
            r.Content = new StringContent($$"""{ "username": "admin", "password": "{{AuthGatewayFixture.AdminPassword}}" }""", System.Text.Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Null(UiClient.SessionCookie(reply.Response));
    }

    [Fact]
    public async Task Me_WithTheAdminToken_IsTheTokenWithANullCsrfToken()
    {
        var (response, body) = await Gateway.AdminAsync(HttpMethod.Get, "/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("admin-token", body.GetProperty("username").GetString());
        Assert.Equal("admin", body.GetProperty("role").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("csrf_token").ValueKind);
    }

    [Fact]
    public async Task Me_WithoutCredentials_Is401NamingBothWays()
    {
        using var ui = new UiClient(Gateway);

        var reply = await ui.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("invalid_admin_token", reply.ErrorCode);
        var message = reply.Body.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("/api/auth/login", message, StringComparison.Ordinal);
        Assert.Contains("Bearer", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedOrStaleCookie_Is401()
    {
        using var ui = new UiClient(Gateway) { SessionToken = "bm90LWEtcmVhbC1zZXNzaW9uLXRva2VuLWF0LWFsbC0xMjM0NTY" };

        var reply = await ui.GetAsync("/api/virtual-keys");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    [Fact]
    public async Task PasswordChange_KeepsThisSession_EndsTheOthers_AndTheNewPasswordSignsIn()
    {
        using var first = await fixture.SignInNewUserAsync("viewer");
        var me = await first.GetAsync("/api/auth/me");
        var username = me.Body.GetProperty("username").GetString()!;
        using var second = new UiClient(Gateway);
        // A viewer may change their own password: the self-service routes do not need editor.
        var wrong = await first.SendAsync(HttpMethod.Post, "/api/auth/password", """{ "current_password": "wrong-current", "new_password": "brand-new-pw-1" }""");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("invalid_current_password", wrong.ErrorCode);

        // Sign in a second time with a password reset by the admin, then change it from the first session.
        var (reset, _) = await Gateway.AdminAsync(HttpMethod.Put, $"/api/users/{username}", """{ "password": "reset-by-admin-1" }""");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/auth/me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await first.LoginAsync(username, "reset-by-admin-1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await second.LoginAsync(username, "reset-by-admin-1")).Status);

        var short_ = await first.SendAsync(HttpMethod.Post, "/api/auth/password", """{ "current_password": "reset-by-admin-1", "new_password": "short" }""");
        Assert.Equal(HttpStatusCode.BadRequest, short_.Status);
        Assert.Equal("new_password", short_.Body.GetProperty("error").GetProperty("param").GetString());

        var changed = await first.SendAsync(HttpMethod.Post, "/api/auth/password", """{ "current_password": "reset-by-admin-1", "new_password": "brand-new-pw-1" }""");

        Assert.Equal(HttpStatusCode.NoContent, changed.Status);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/auth/me")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/auth/me")).Status);
        using var third = new UiClient(Gateway);
        Assert.Equal(HttpStatusCode.Unauthorized, (await third.LoginAsync(username, "reset-by-admin-1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await third.LoginAsync(username, "brand-new-pw-1")).Status);
    }

    [Fact]
    public async Task PasswordChange_WithTheAdminToken_Is400()
    {
        var (response, body) = await Gateway.AdminAsync(HttpMethod.Post, "/api/auth/password", """{ "current_password": "x", "new_password": "yyyyyyyy" }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("session_required", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Settings_ShowsStoreVersionAndClientSettings_ToAViewer()
    {
        using var viewer = await fixture.SignInNewUserAsync("viewer");

        var settings = await viewer.GetAsync("/api/settings");

        Assert.Equal(HttpStatusCode.OK, settings.Status);
        Assert.Equal("sqlite", settings.Body.GetProperty("store").GetString());
        Assert.False(string.IsNullOrEmpty(settings.Body.GetProperty("version").GetString()));
        Assert.Equal(Path.Combine(Gateway.Directory, "data"), settings.Body.GetProperty("data_directory").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, settings.Body.GetProperty("config_file").ValueKind);
        Assert.True(settings.Body.GetProperty("admin_token_configured").GetBoolean());
        var client = settings.Body.GetProperty("client");
        Assert.False(client.GetProperty("enforce_auth_on_inference").GetBoolean());
        Assert.Equal(32, client.GetProperty("max_request_body_size_mb").GetInt32());
        Assert.Equal(30, client.GetProperty("response_retention_days").GetInt32());
    }
}
