using System.Net;
using System.Text;
using Tollgate.Emulator;

namespace Tollgate.Tests.Functional;

/// <summary>Service-principal auth end to end, each test with a fresh gateway so the token cache starts empty.</summary>
public sealed class DatabricksOAuthTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "providers": {
                "databricks": {
                  "base_url": "{{_emulator.DatabricksHost}}",
                  "keys": [{ "name": "sp", "databricks_key_config": { "client_id": "sp-test-oauth", "client_secret": "s3cret" } }]
                }
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private Task<HttpResponseMessage> ChatAsync() => _gateway.Client.PostAsync("/v1/chat/completions",
        new StringContent("""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

    [Fact]
    public async Task ConcurrentRequests_CauseExactlyOneTokenRequest()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => ChatAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _emulator.State.TokenRequests);
        var bearer = _emulator.Journal.For("databricks").Where(e => e.PathAndQuery.EndsWith("/invocations", StringComparison.Ordinal))
            .Select(e => e.Headers["Authorization"]).Distinct().Single();
        Assert.StartsWith("Bearer ", bearer, StringComparison.Ordinal);
        Assert.NotEqual("Bearer s3cret", bearer);
    }

    [Fact]
    public async Task RejectedToken_IsRefreshedOnceAndTheRequestSucceeds()
    {
        using (var first = await ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _emulator.State.RevokeDatabricksTokens();
        using var second = await ChatAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, _emulator.State.TokenRequests);
        // One refresh, one retry: the rejected call and the successful one.
        Assert.Equal("2", second.Headers.GetValues("x-tollgate-attempts").Single());
    }

    [Fact]
    public async Task ExpiredToken_IsRefreshedBeforeUse()
    {
        _emulator.State.DatabricksTokenLifetimeSeconds = 1;
        using (var first = await ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // A 1-second token is refreshed 0.1 s before expiry; wait past it rather than fake the clock across two processes' worth of hosts.
        await Task.Delay(1200);
        using var second = await ChatAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, _emulator.State.TokenRequests);
    }
}
