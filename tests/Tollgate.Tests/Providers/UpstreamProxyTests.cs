using System.Net;
using System.Text;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability;

namespace Tollgate.Tests.Providers;

/// <summary>
/// Upstream calls honour HTTP(S)_PROXY and NO_PROXY, as in a private network whose only egress is a proxy. The provider's
/// host does not resolve, so an answer can only have come through the proxy; the emulator plays the proxy (Kestrel takes
/// the absolute-form request line a client sends to a forward proxy).
/// </summary>
public sealed class UpstreamProxyTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private const string Config = $$"""
        { "providers": { "openai": { "base_url": "http://upstream.invalid:9/openai/v1",
          "network_config": { "max_retries": 0 },
          "keys": [{ "name": "oa", "value": "{{GatewayFixture.OpenAIKey}}", "models": ["*"] }] } } }
        """;

    [Theory]
    [InlineData("HTTP_PROXY", null, HttpStatusCode.OK)]
    [InlineData("http_proxy", null, HttpStatusCode.OK)]
    [InlineData("HTTP_PROXY", "localhost,upstream.invalid", HttpStatusCode.BadGateway)]
    [InlineData(null, null, HttpStatusCode.BadGateway)]
    public async Task UpstreamCall_GoesThroughTheEnvironmentsProxy_UnlessNoProxyNamesTheHost(string? variable, string? noProxy, HttpStatusCode expected)
    {
        var environment = new Dictionary<string, string>();
        if (variable is not null)
        {
            environment[variable] = _emulator.BaseUrl;
        }

        if (noProxy is not null)
        {
            environment["NO_PROXY"] = noProxy;
        }

        await using var gateway = await GatewayProcess.StartAsync(Config, [], environment);
        using var response = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"via the proxy"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(expected == response.StatusCode, body);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("You said: via the proxy", body);
        }
    }
}
