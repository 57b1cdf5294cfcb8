using System.Net;
using System.Text.Json;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api.Auth;

/// <summary>One gateway (no config file, SQLite) whose first admin has a known password, shared by a test class.</summary>
public sealed class AuthGatewayFixture : IAsyncLifetime
{
    public const string AdminPassword = "first-admin-pw-1";

    public GatewayHost Gateway { get; private set; } = null!;

    public Task InitializeAsync() => InitializeAsync(postgres: null);

    public async Task InitializeAsync(string? postgres) =>
        Gateway = await GatewayHost.StartAsync(configJson: null, postgres: postgres, extraArgs: ["--TOLLGATE_ADMIN_PASSWORD", AdminPassword]);

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    /// <summary>Creates a user with a unique name through the admin token and returns a client signed in as them.</summary>
    internal Task<UiClient> SignInNewUserAsync(string role) => SignInNewUserAsync(Gateway, role);

    internal static async Task<UiClient> SignInNewUserAsync(GatewayHost gateway, string role)
    {
        var username = $"{role}-{Guid.NewGuid():N}"[..20];
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var (created, body) = await gateway.AdminAsync(HttpMethod.Post, "/api/users", JsonSerializer.Serialize(new { username, password, role }));
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        var client = new UiClient(gateway);
        var login = await client.LoginAsync(username, password);
        Assert.True(login.Status == HttpStatusCode.OK, login.Text);
        return client;
    }
}
