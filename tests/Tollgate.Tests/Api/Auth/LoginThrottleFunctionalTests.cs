using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Storage;

namespace Tollgate.Tests.Api.Auth;

/// <summary>Brute-force protection and the audit trail of sign-ins, on a gateway of its own (the throttle is per instance).</summary>
public sealed class LoginThrottleFunctionalTests
{
    [Fact]
    public async Task FiveWrongPasswords_ThenEvenTheRightOneIs429WithRetryAfter_AndTheAuditLogNamesUserAndAddressOnly()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = await GatewayHost.StartAsync(configJson: null, configureServices: services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddLogging(logging => logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
        }, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", AuthGatewayFixture.AdminPassword]);
        using var ui = new UiClient(gateway);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ui.LoginAsync("admin", $"guess-number-{i}")).Status);
        }

        var throttled = await ui.LoginAsync("admin", AuthGatewayFixture.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal("login_throttled", throttled.ErrorCode);
        var retryAfter = throttled.Response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
        Assert.Null(UiClient.SessionCookie(throttled.Response));
        // The bearer token is not a sign-in and is not throttled.
        var (me, _) = await gateway.AdminAsync(HttpMethod.Get, "/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        var audit = logs.Text;
        Assert.Contains("Failed admin sign-in for admin from 127.0.0.1", audit, StringComparison.Ordinal);
        Assert.Contains("Admin sign-in throttled for admin", audit, StringComparison.Ordinal);
        Assert.Contains("Tollgate.Audit", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("guess-number", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthGatewayFixture.AdminPassword, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAndUserChanges_AreAudited_WithoutPasswordsOrTokens()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = await GatewayHost.StartAsync(configJson: null, configureServices: services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddLogging(logging => logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
        }, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", AuthGatewayFixture.AdminPassword]);
        using var ui = new UiClient(gateway);
        await ui.LoginAsync("admin", AuthGatewayFixture.AdminPassword);

        await ui.SendAsync(HttpMethod.Post, "/api/users", """{ "username": "audited", "password": "audited-user-pw", "role": "viewer" }""");
        await ui.SendAsync(HttpMethod.Put, "/api/users/audited", """{ "role": "editor", "password": "audited-user-pw2" }""");
        await ui.SendAsync(HttpMethod.Delete, "/api/users/audited");
        await ui.SendAsync(HttpMethod.Post, "/api/auth/logout");

        var audit = logs.Text;
        Assert.Contains("Created the first admin user 'admin' (TOLLGATE_ADMIN_PASSWORD)", audit, StringComparison.Ordinal);
        Assert.Contains("Admin sign-in: admin (admin) from 127.0.0.1", audit, StringComparison.Ordinal);
        Assert.Contains("Admin user audited (viewer) created by admin", audit, StringComparison.Ordinal);
        Assert.Contains("Admin user audited updated by admin: role editor, password changed True", audit, StringComparison.Ordinal);
        Assert.Contains("Admin user audited deleted by admin", audit, StringComparison.Ordinal);
        Assert.Contains("Admin sign-out: admin", audit, StringComparison.Ordinal);
        foreach (var secret in new[] { "audited-user-pw", AuthGatewayFixture.AdminPassword, ui.SessionToken!, ui.CsrfToken! })
        {
            Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        }
    }
}
