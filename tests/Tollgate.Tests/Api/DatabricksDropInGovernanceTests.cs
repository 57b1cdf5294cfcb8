using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api;

/// <summary>A Databricks SDK / MLflow style call (token as Bearer, endpoint in the URL) goes through governance.</summary>
public sealed class DatabricksDropInGovernanceTests : IAsyncLifetime
{
    private const string Vk = "sk-tg-databricks-sdk-0123456";
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "client": { "enforce_auth_on_inference": true },
              "providers": { "databricks": { "base_url": "{{_emulator.DatabricksHost}}", "keys": [{ "name": "pat", "value": "dapi-test-dropin" }] } },
              "governance": {
                "budgets": [{ "id": "b", "max_limit": 10, "reset_duration": "1d" }],
                "virtual_keys": [{ "id": "vk", "name": "mlflow", "value": "{{Vk}}", "budget_id": "b" }]
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private async Task<HttpResponseMessage> InvokeAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/databricks/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"from the databricks sdk"}],"max_tokens":16}""", Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await _gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Invocations_WithVirtualKey_AreGovernedAndBilled()
    {
        using var anonymous = await InvokeAsync(null);
        using var governed = await InvokeAsync(Vk);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, governed.StatusCode);
        var (_, usage) = await _gateway.AdminAsync(HttpMethod.Get, "/api/usage?group_by=virtual_key");
        var row = usage.GetProperty("rows").EnumerateArray().Single();
        Assert.Equal("vk", row.GetProperty("key").GetString());
        Assert.True(row.GetProperty("cost_usd").GetDecimal() > 0);  // shipped Databricks pay-per-token price
        // The gateway's own PAT went upstream, never the virtual key.
        Assert.All(_emulator.Journal.For("databricks"), e => Assert.Equal("dapi-test-dropin", e.Credential));
    }
}
