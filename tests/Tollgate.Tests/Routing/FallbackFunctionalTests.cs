using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Routing;

/// <summary>The request's <c>fallbacks</c>: tried in order after the first model fails, each governed and priced on its own.</summary>
public sealed class FallbackFunctionalTests : IAsyncLifetime
{
    private const string Vk = "sk-tg-fallback-0123456789ab";
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "providers": {
                "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa", "value": "sk-test-fb" }] },
                "anthropic": { "base_url": "{{_emulator.AnthropicBaseUrl}}", "keys": [{ "name": "an", "value": "sk-ant-test-fb" }] }
              },
              "pricing": {
                "openai/gpt-4o-mini": { "input_per_mtok": 1000, "output_per_mtok": 1000 },
                "anthropic/claude-sonnet-4-5": { "input_per_mtok": 3000, "output_per_mtok": 15000 }
              },
              "routing": { "fallbacks": { "openai/o3": ["anthropic/claude-sonnet-4-5"] } },
              "governance": {
                "budgets": [{ "id": "b", "max_limit": 100, "reset_duration": "1d" }],
                "virtual_keys": [
                  { "id": "vk", "name": "fb", "value": "{{Vk}}", "budget_id": "b" },
                  { "id": "vk-with-fallbacks", "name": "with-fallbacks", "value": "sk-tg-with-fallbacks-0123456", "fallbacks": ["anthropic/claude-sonnet-4-5"] },
                  { "id": "vk-openai-only", "name": "openai-only", "value": "sk-tg-openai-only-012345678",
                    "provider_configs": [{ "provider": "openai", "allowed_models": ["*"] }] }
                ]
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private async Task<HttpResponseMessage> ChatAsync(string vk, bool stream = false, string fallbacks = """["anthropic/claude-sonnet-4-5"]""")
    {
        var streaming = stream ? ""","stream":true,"stream_options":{"include_usage":true}""" : "";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"openai/gpt-4o-mini","max_tokens":20{{streaming}},"fallbacks":{{fallbacks}},"messages":[{"role":"user","content":"fall back please"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", vk);
        var response = await _gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task FirstProviderDown_FallbackServes_AndIsBilledAtItsOwnPrice()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 500, Times = -1 });

        using var response = await ChatAsync(Vk);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("true", response.Headers.GetValues("x-tollgate-fallback-used").Single());
        Assert.Equal("anthropic", response.Headers.GetValues("x-tollgate-provider").Single());
        var usage = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("usage");
        var expected = (usage.GetProperty("prompt_tokens").GetInt32() * 0.003m) + (usage.GetProperty("completion_tokens").GetInt32() * 0.015m);
        Assert.Equal(expected, response.CostHeader());
        var (_, budget) = await _gateway.AdminAsync(HttpMethod.Get, "/api/budgets/b");
        Assert.Equal(expected, budget.GetProperty("spent_usd").GetDecimal());  // the failed first attempt costs nothing
        Assert.Equal(0m, budget.GetProperty("reserved_usd").GetDecimal());
    }

    [Fact]
    public async Task FirstModelWorks_NoFallback()
    {
        using var response = await ChatAsync(Vk);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-tollgate-fallback-used").Single());
        Assert.Equal("openai", response.Headers.GetValues("x-tollgate-provider").Single());
    }

    [Fact]
    public async Task StreamFailsBeforeFirstByte_FailsOverToTheFallback()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 503, Times = -1 });

        using var response = await ChatAsync(Vk, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = await Sse.ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Contains("fall back please", Sse.JoinedContent(data), StringComparison.Ordinal);
        Assert.Equal("true", response.Headers.GetValues("x-tollgate-fallback-used").Single());
    }

    [Fact]
    public async Task ClientError_DoesNotFallBack()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 400, Message = "bad temperature", Times = 1 });
        var mark = _emulator.Journal.Mark();

        using var response = await ChatAsync(Vk);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(_emulator.Journal.Since(mark), e => e.Provider == "anthropic");
    }

    [Fact]
    public async Task FallbackIsGovernedToo_ADisallowedFallbackIsNotCalled()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 500, Times = -1 });
        var mark = _emulator.Journal.Mark();

        using var response = await ChatAsync("sk-tg-openai-only-012345678");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_emulator.Journal.Since(mark), e => e.Provider == "anthropic");
    }

    [Fact]
    public async Task MalformedFallbacks_Is400()
    {
        using var response = await ChatAsync(Vk, fallbacks: """[42]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task KeyAndConfigDefaults_ApplyWhenTheRequestNamesNoFallbacks()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 500, Times = -1 });

        using var viaKey = await _gateway.ChatAsync("openai/gpt-4o-mini", "sk-tg-with-fallbacks-0123456");
        using var viaConfig = await _gateway.ChatAsync("openai/o3", Vk);
        using var none = await _gateway.ChatAsync("openai/gpt-4o-mini", Vk);

        Assert.Equal(HttpStatusCode.OK, viaKey.StatusCode);
        Assert.Equal("anthropic", viaKey.Headers.GetValues("x-tollgate-provider").Single());
        Assert.Equal(HttpStatusCode.OK, viaConfig.StatusCode);
        Assert.Equal("true", viaConfig.Headers.GetValues("x-tollgate-fallback-used").Single());
        Assert.Equal(HttpStatusCode.InternalServerError, none.StatusCode);
    }
}
