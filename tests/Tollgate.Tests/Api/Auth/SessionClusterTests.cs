using System.Net;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Storage;

namespace Tollgate.Tests.Api.Auth;

/// <summary>Two gateways sharing one PostgreSQL: a session begun on one is good on the other, and ends on both.</summary>
public sealed class SessionClusterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task SessionFromOneInstance_WorksOnTheOther_AndLogoutThereEndsItEverywhere()
    {
        var postgres = await database.CreateSchemaAsync();
        string[] password = ["--TOLLGATE_ADMIN_PASSWORD", AuthGatewayFixture.AdminPassword];
        await using var first = await GatewayHost.StartAsync(configJson: null, postgres: postgres, extraArgs: password);
        // The second start finds the first's admin and creates none.
        await using var second = await GatewayHost.StartAsync(configJson: null, postgres: postgres, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", "another-pw-123"]);
        using var onFirst = new UiClient(first);
        var login = await onFirst.LoginAsync("admin", AuthGatewayFixture.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, login.Status);
        using var onSecond = new UiClient(second) { SessionToken = onFirst.SessionToken, CsrfToken = onFirst.CsrfToken };

        var me = await onSecond.GetAsync("/api/auth/me");
        var created = await onSecond.SendAsync(HttpMethod.Post, "/api/users", """{ "username": "cluster-viewer", "password": "cluster-viewer-pw", "role": "viewer" }""");

        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(onFirst.CsrfToken, me.Body.GetProperty("csrf_token").GetString());
        Assert.Equal(HttpStatusCode.Created, created.Status);
        using var viewerOnFirst = new UiClient(first);
        Assert.Equal(HttpStatusCode.OK, (await viewerOnFirst.LoginAsync("cluster-viewer", "cluster-viewer-pw")).Status);
        using var wrongOnFirst = new UiClient(first);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongOnFirst.LoginAsync("admin", "another-pw-123")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await onSecond.SendAsync(HttpMethod.Post, "/api/auth/logout")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onFirst.GetAsync("/api/auth/me")).Status);
    }
}
