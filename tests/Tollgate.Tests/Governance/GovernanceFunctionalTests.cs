using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Governance;

/// <summary>Virtual keys, budgets, rate limits and cost end to end: real gateway, emulator upstream, loopback.</summary>
public sealed class GovernanceFunctionalTests : IAsyncLifetime
{
    // Round prices make expected costs easy to check by hand: 1000 USD per 1M input tokens = 0.001 USD a token.
    private const decimal InputPerToken = 0.001m;
    private const decimal OutputPerToken = 0.002m;
    private const string Model = "openai/gpt-4o-mini";

    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private string Config(string governance, bool enforce = false) => $$"""
        {
          "client": { "enforce_auth_on_inference": {{(enforce ? "true" : "false")}} },
          "providers": {
            "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa", "value": "sk-test-gov" }] },
            "anthropic": { "base_url": "{{_emulator.AnthropicBaseUrl}}", "keys": [{ "name": "an", "value": "sk-ant-test-gov" }] }
          },
          "pricing": {
            "openai/gpt-4o-mini": { "input_per_mtok": 1000, "output_per_mtok": 2000, "cached_input_per_mtok": 500 },
            "anthropic/claude-sonnet-4-5": { "input_per_mtok": 3000, "output_per_mtok": 15000, "cached_input_per_mtok": 300, "cache_write_per_mtok": 3750 }
          },
          "governance": {{governance}}
        }
        """;

    private const string VkApp = "sk-tg-app-0123456789abcdef";
    private const string VkOther = "sk-tg-other-0123456789abcd";

    [Fact]
    public async Task EnforcedAuth_WithoutOrWithBadKey_Is401_WithKeyIs200()
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""{ "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}" }] }""", enforce: true));

        using var missing = await gateway.ChatAsync(Model, null);
        using var wrong = await gateway.ChatAsync(Model, "sk-tg-not-a-real-key-000000");
        using var good = await gateway.ChatAsync(Model, VkApp);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("missing_api_key", (await missing.ErrorAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Theory]
    [InlineData("x-tollgate-vk")]
    [InlineData("x-api-key")]
    public async Task VirtualKey_IsAcceptedFromEachHeader(string header)
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""{ "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}" }] }""", enforce: true));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(header, VkApp);

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ModelNotAllowedForKey_Is403()
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            { "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}",
                "provider_configs": [{ "provider": "openai", "allowed_models": ["gpt-4o*"] }] }] }
            """));

        using var allowed = await gateway.ChatAsync(Model, VkApp);
        using var otherProvider = await gateway.ChatAsync("anthropic/claude-sonnet-4-5", VkApp);
        using var otherModel = await gateway.ChatAsync("openai/o3", VkApp);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherProvider.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherModel.StatusCode);
        Assert.Equal("model_not_allowed", (await otherModel.ErrorAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task CostHeader_MatchesUsageTimesPrice()
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""{ "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}" }] }"""));

        using var response = await gateway.ChatAsync(Model, VkApp);

        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
        var expected = (usage.GetProperty("prompt_tokens").GetInt32() * InputPerToken) + (usage.GetProperty("completion_tokens").GetInt32() * OutputPerToken);
        Assert.Equal(expected, response.CostHeader());
    }

    [Theory]
    [InlineData("vk")]
    [InlineData("team")]
    [InlineData("customer")]
    public async Task BudgetExhausted_AtEachLevel_Is402WithResetTime(string level)
    {
        // Each call costs a few cents; a 0.1 USD budget admits a handful, then refuses.
        var budgetOn = (string l) => l == level ? "\"budget_id\": \"b-small\"," : "";
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            {
              "budgets": [{ "id": "b-small", "max_limit": 0.1, "reset_duration": "1d", "calendar_aligned": true }],
              "customers": [{ "id": "acme", {{budgetOn("customer")}} "name": "Acme" }],
              "teams": [{ "id": "ml", {{budgetOn("team")}} "name": "ML", "customer_id": "acme" }],
              "virtual_keys": [{ "id": "vk-app", {{budgetOn("vk")}} "name": "app", "value": "{{VkApp}}", "team_id": "ml" }]
            }
            """));

        HttpResponseMessage? denied = null;
        decimal spent = 0;
        for (var i = 0; i < 50 && denied is null; i++)
        {
            var response = await gateway.ChatAsync(Model, VkApp, maxTokens: 5);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                spent += response.CostHeader();
            }
            else
            {
                denied = response;
            }
        }

        Assert.NotNull(denied);
        Assert.Equal(HttpStatusCode.PaymentRequired, denied!.StatusCode);
        var error = await denied.ErrorAsync();
        Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("b-small", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("resets at", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotNull(denied.Headers.RetryAfter);
        Assert.True(spent <= 0.1m, $"spent {spent}");
        Assert.True(spent > 0.05m, $"spent only {spent}: the budget refused too early");
    }

    [Fact]
    public async Task ConcurrentRequests_NeverSpendPastTheBudget_AndRecordedSpendEqualsBilled()
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            {
              "budgets": [{ "id": "b-race", "max_limit": 0.5, "reset_duration": "1d" }],
              "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "budget_id": "b-race" }]
            }
            """));

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => gateway.ChatAsync(Model, VkApp, maxTokens: 8, content: $"request number {i}")));

        var ok = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.PaymentRequired, r.StatusCode.ToString()));
        Assert.NotEmpty(ok);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.PaymentRequired);
        var billed = ok.Sum(r => r.CostHeader());
        Assert.True(billed <= 0.5m, $"billed {billed} past the 0.5 budget");

        var (_, budget) = await gateway.AdminAsync(HttpMethod.Get, "/api/budgets/b-race");
        Assert.Equal(billed, budget.GetProperty("spent_usd").GetDecimal());
        Assert.Equal(0m, budget.GetProperty("reserved_usd").GetDecimal());

        var (_, usage) = await gateway.AdminAsync(HttpMethod.Get, "/api/usage?group_by=virtual_key");
        var row = usage.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "vk-app");
        Assert.Equal(billed, row.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(ok.Count, row.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task StreamingCost_EqualsNonStreamingCost_ForTheSameUsage()
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            {
              "budgets": [{ "id": "b", "max_limit": 100, "reset_duration": "1d" }],
              "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "budget_id": "b" }]
            }
            """));

        using var plain = await gateway.ChatAsync(Model, VkApp);
        var (_, afterPlain) = await gateway.AdminAsync(HttpMethod.Get, "/api/budgets/b");
        using var streamed = await gateway.ChatAsync(Model, VkApp, stream: true);
        var (_, afterStream) = await gateway.AdminAsync(HttpMethod.Get, "/api/budgets/b");

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        var plainCost = plain.CostHeader();
        Assert.Equal(plainCost, afterPlain.GetProperty("spent_usd").GetDecimal());
        Assert.Equal(plainCost, afterStream.GetProperty("spent_usd").GetDecimal() - afterPlain.GetProperty("spent_usd").GetDecimal());
    }

    [Fact]
    public async Task CachedTokens_AreBilledAtTheCachedAndCacheWritePrices()
    {
        await using var gateway = await GatewayHost.StartAsync(Config("{}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""
                {"model":"anthropic/claude-sonnet-4-5","max_tokens":50,"messages":[
                  {"role":"system","content":[{"type":"text","text":"long shared system prompt","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":"hi"}]}
                """, System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await gateway.Client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var usage = JsonDocument.Parse(body).RootElement.GetProperty("usage");
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var cached = usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.Equal(5, cached);  // the emulator reports 5 cache reads and 2 cache writes when cache_control is present
        // prompt = fresh input + 5 cached + 2 written; each part at its own price (USD per token).
        var expected = ((prompt - 5 - 2) * 0.003m) + (5 * 0.0003m) + (2 * 0.00375m) + (completion * 0.015m);
        Assert.Equal(expected, response.CostHeader());
    }

    [Fact]
    public async Task Restart_KeepsSpend()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        var config = Config($$"""
            {
              "budgets": [{ "id": "b", "max_limit": 10, "reset_duration": "1M", "calendar_aligned": true }],
              "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "budget_id": "b" }]
            }
            """);
        decimal spent;
        await using (var gateway = await GatewayHost.StartAsync(config, directory: directory))
        {
            using var first = await gateway.ChatAsync(Model, VkApp);
            using var second = await gateway.ChatAsync(Model, VkApp);
            spent = first.CostHeader() + second.CostHeader();
        }

        await using (var restarted = await GatewayHost.StartAsync(config, directory: directory))
        {
            var (_, budget) = await restarted.AdminAsync(HttpMethod.Get, "/api/budgets/b");
            Assert.Equal(spent, budget.GetProperty("spent_usd").GetDecimal());
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task RateLimit_RequestsPerWindow_DeniesWithHeaders_AndRefillsWithTime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            {
              "rate_limits": [{ "id": "rl", "request_max_limit": 3, "request_reset_duration": "1m" }],
              "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "rate_limit_id": "rl" }]
            }
            """), services => services.AddSingleton<TimeProvider>(clock));

        for (var i = 0; i < 3; i++)
        {
            using var ok = await gateway.ChatAsync(Model, VkApp);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("x-ratelimit-limit-requests").Single());
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        }

        using var denied = await gateway.ChatAsync(Model, VkApp);
        Assert.Equal(HttpStatusCode.TooManyRequests, denied.StatusCode);
        Assert.Equal("rate_limit_exceeded", (await denied.ErrorAsync()).GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(20), denied.Headers.RetryAfter!.Delta);  // one request refills every 60/3 s
        Assert.Equal("0", denied.Headers.GetValues("x-ratelimit-remaining-requests").Single());

        clock.Advance(TimeSpan.FromSeconds(20));
        using var refilled = await gateway.ChatAsync(Model, VkApp);
        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
    }

    [Fact]
    public async Task RateLimit_Tokens_CountsRealUsage()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            {
              "rate_limits": [{ "id": "rl", "token_max_limit": 60, "token_reset_duration": "1h" }],
              "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "rate_limit_id": "rl" }]
            }
            """), services => services.AddSingleton<TimeProvider>(clock));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await gateway.ChatAsync(Model, VkApp);
            statuses.Add(response.StatusCode);
        }

        // Each call uses ~15 tokens (prompt + reply): a 60-token budget per hour admits a few, then refuses.
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 2, 5);
    }

    [Fact]
    public async Task ConcurrencyCap_RefusesTheRequestBeyondIt()
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            { "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "max_concurrent_requests": 2 }] }
            """));
        _emulator.Faults.Add(new FaultRule { Provider = "openai", DelayMs = 1500, Times = 2 });

        var mark = _emulator.Journal.Mark();
        var slow = new[] { gateway.ChatAsync(Model, VkApp), gateway.ChatAsync(Model, VkApp) };
        // Both slow calls hold their slots once the upstream has them.
        for (var i = 0; i < 100 && _emulator.Journal.Since(mark).Count < 2; i++)
        {
            await Task.Delay(20);
        }

        using var third = await gateway.ChatAsync(Model, VkApp);
        var done = await Task.WhenAll(slow);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("concurrency_limit_exceeded", (await third.ErrorAsync()).GetProperty("code").GetString());
        Assert.All(done, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        using var after = await gateway.ChatAsync(Model, VkApp);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task AnthropicPath_IsGovernedLikeEveryOther()
    {
        await using var gateway = await GatewayHost.StartAsync(Config($$"""
            {
              "budgets": [{ "id": "b", "max_limit": 10, "reset_duration": "1d" }],
              "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "{{VkApp}}", "budget_id": "b" }]
            }
            """, enforce: true));

        async Task<HttpResponseMessage> SendAsync(string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages")
            {
                Content = new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"governed"}]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            if (key is not null)
            {
                request.Headers.Add("x-api-key", key);
            }

            var response = await gateway.Client.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return response;
        }

        using var anonymous = await SendAsync(null);
        using var governed = await SendAsync(VkApp);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("authentication_error", JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, governed.StatusCode);
        var (_, budget) = await gateway.AdminAsync(HttpMethod.Get, "/api/budgets/b");
        Assert.Equal(governed.CostHeader(), budget.GetProperty("spent_usd").GetDecimal());
        Assert.True(budget.GetProperty("spent_usd").GetDecimal() > 0);
    }
}
