using System.Net;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Governance;

/// <summary>An upstream that reports no usage is still billed, from estimates marked as such.</summary>
public sealed class EstimatedUsageTests : IAsyncLifetime
{
    private const string Vk = "sk-tg-estimates-0123456789";
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "providers": { "local": { "custom_provider_config": { "base_provider_type": "openai" }, "base_url": "{{_emulator.CompatBaseUrl}}", "keys": [] } },
              "pricing": { "local/llama-no-usage": { "input_per_mtok": 1000, "output_per_mtok": 1000 } },
              "governance": {
                "budgets": [{ "id": "b", "max_limit": 100, "reset_duration": "1d" }],
                "virtual_keys": [{ "id": "vk", "name": "est", "value": "{{Vk}}", "budget_id": "b" }]
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NoUsageFromUpstream_IsEstimatedBilledAndMarked(bool stream)
    {
        using var response = await _gateway.ChatAsync("local/llama-no-usage", Vk, stream: stream, maxTokens: 50,
            content: "please count these words for me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, usage) = await _gateway.AdminAsync(HttpMethod.Get, "/api/usage?group_by=virtual_key");
        var row = usage.GetProperty("rows").EnumerateArray().Single();
        Assert.Equal(1, row.GetProperty("estimated_requests").GetInt64());
        Assert.True(row.GetProperty("prompt_tokens").GetInt64() > 5);
        // The reply "Hello from compat! You said: please count these words for me" is ~12 tokens.
        Assert.InRange(row.GetProperty("completion_tokens").GetInt64(), 8, 20);
        Assert.True(row.GetProperty("cost_usd").GetDecimal() > 0);
        var (_, budget) = await _gateway.AdminAsync(HttpMethod.Get, "/api/budgets/b");
        Assert.Equal(row.GetProperty("cost_usd").GetDecimal(), budget.GetProperty("spent_usd").GetDecimal());
    }
}
