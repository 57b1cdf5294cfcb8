using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tollgate.Configuration;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Routing;

public sealed class RoutingRulesFunctionalTests : IAsyncLifetime
{
    private const string TeamXKey = "sk-tg-team-x-0123456789abc";
    private const string SplitKey = "sk-tg-split-by-weights-01234";
    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    private string Config(string rules) => $$"""
        {
          "providers": {
            "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "oa", "value": "sk-test-rr" }] },
            "anthropic": { "base_url": "{{_emulator.AnthropicBaseUrl}}", "keys": [{ "name": "an", "value": "sk-ant-test-rr" }] },
            "databricks": { "base_url": "{{_emulator.DatabricksHost}}", "keys": [{ "name": "pat", "value": "dapi-test-rr" }] }
          },
          "governance": {
            "teams": [{ "id": "x", "name": "Team X" }],
            "virtual_keys": [
              { "id": "vk-x", "name": "x", "value": "{{TeamXKey}}", "team_id": "x" },
              { "id": "vk-split", "name": "split", "value": "{{SplitKey}}",
                "provider_configs": [{ "provider": "openai", "allowed_models": ["gpt-4o*"], "weight": 3 },
                                     { "provider": "anthropic", "allowed_models": ["*"], "weight": 1 }] }
            ]
          },
          "routing": { "rules": {{rules}} }
        }
        """;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _gateway = await GatewayHost.StartAsync(Config("""
            [
              { "name": "team-x-to-databricks", "model": "gpt-4o", "teams": ["x"],
                "targets": [{ "model": "databricks/databricks-meta-llama-3-3-70b-instruct" }] },
              { "name": "canary", "headers": { "x-env": "canary" }, "targets": [{ "model": "anthropic/claude-sonnet-4-5" }] },
              { "name": "gold-tier", "metadata": { "tier": "gold" }, "targets": [{ "model": "anthropic/claude-sonnet-4-5" }] },
              { "name": "drain", "model": "drain-test",
                "targets": [{ "model": "openai/gpt-4o-mini", "weight": 1 }, { "model": "anthropic/claude-sonnet-4-5", "weight": 1 }] },
              { "name": "split", "model": "split-test",
                "targets": [{ "model": "openai/gpt-4o-mini", "weight": 90 }, { "model": "anthropic/claude-sonnet-4-5", "weight": 10 }] }
            ]
            """));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private async Task<HttpResponseMessage> ChatAsync(string model, string? vk = null, (string, string)? header = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":10,"messages":[{"role":"user","content":"route me"}]}""", Encoding.UTF8, "application/json"),
        };
        if (vk is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", vk);
        }

        if (header is { } h)
        {
            request.Headers.Add(h.Item1, h.Item2);
        }

        var response = await _gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task TeamRule_RoutesGpt4oToDatabricks_OnlyForThatTeam()
    {
        using var teamX = await ChatAsync("gpt-4o", TeamXKey);
        using var others = await ChatAsync("openai/gpt-4o");

        Assert.Equal(HttpStatusCode.OK, teamX.StatusCode);
        Assert.Equal("databricks", teamX.Headers.GetValues("x-tollgate-provider").Single());
        Assert.Equal("team-x-to-databricks", teamX.Headers.GetValues("x-tollgate-route-rule").Single());
        Assert.Equal("openai", others.Headers.GetValues("x-tollgate-provider").Single());
        Assert.False(others.Headers.Contains("x-tollgate-route-rule"));
    }

    [Fact]
    public async Task HeaderRule_SendsCanaryTrafficElsewhere()
    {
        using var canary = await ChatAsync("openai/gpt-4o-mini", header: ("x-env", "canary"));

        Assert.Equal("anthropic", canary.Headers.GetValues("x-tollgate-provider").Single());
    }

    [Fact]
    public async Task WeightedRule_SplitsTrafficNinetyTen()
    {
        var providers = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            using var response = await ChatAsync("split-test");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            providers.Add(response.Headers.GetValues("x-tollgate-provider").Single());
        }

        // 10% of 300 is 30; a binomial 99.9% interval is roughly 14..48.
        Assert.InRange(providers.Count(p => p == "anthropic"), 14, 48);
    }

    [Fact]
    public async Task Explain_ShowsRuleTargetsSharesAndKeys_WithoutSending()
    {
        var mark = _emulator.Journal.Mark();

        var (response, body) = await _gateway.AdminAsync(HttpMethod.Post, "/api/route/explain", """{ "model": "split-test", "fallbacks": ["databricks/databricks-meta-llama-3-3-70b-instruct"] }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("split", body.GetProperty("rule").GetString());
        var candidates = body.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(3, candidates.Count);
        Assert.Equal(0.9, candidates[0].GetProperty("share").GetDouble(), 3);
        Assert.Equal("openai", candidates[0].GetProperty("provider").GetString());
        Assert.Equal(1.0, candidates[0].GetProperty("keys")[0].GetProperty("share").GetDouble(), 3);
        Assert.Equal("fallback", candidates[2].GetProperty("role").GetString());
        Assert.Empty(_emulator.Journal.Since(mark));
    }

    [Fact]
    public async Task RuleWithoutTargets_FailsStartWithItsPath()
    {
        var ex = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(Config("""[{ "name": "empty", "targets": [] }]""")));

        Assert.Equal("$.routing.rules[0].targets", ex.JsonPath);
    }

    [Fact]
    public async Task VirtualKeyProviderWeights_SpreadABareModelAcrossProviders()
    {
        var providers = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await ChatAsync("gpt-4o-mini", SplitKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            providers.Add(response.Headers.GetValues("x-tollgate-provider").Single());
        }

        // Weights 3:1 → 25% anthropic; a 99.9% binomial interval for 200 draws is roughly 30..71.
        Assert.InRange(providers.Count(p => p == "anthropic"), 30, 71);
        Assert.All(providers, p => Assert.Contains(p, new[] { "openai", "anthropic" }));
    }

    [Fact]
    public async Task WeightedRule_DrainsAFailingTarget_WithinSeconds()
    {
        _emulator.Faults.Add(new FaultRule { Provider = "anthropic", Status = 500, Times = -1 });

        // Two seconds of traffic let the once-a-second health recompute see the failures.
        var until = DateTime.UtcNow.AddSeconds(2.5);
        while (DateTime.UtcNow < until)
        {
            using var warm = await ChatAsync("drain-test");
        }

        var providers = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await ChatAsync("drain-test");
            providers.Add(response.Headers.GetValues("x-tollgate-provider").Single());
        }

        Assert.True(providers.Count(p => p == "anthropic") <= 6, $"{providers.Count(p => p == "anthropic")} of 60 still went to the failing target");
        var (_, routes) = await _gateway.AdminAsync(HttpMethod.Get, "/api/routing/routes");
        var failing = routes.EnumerateArray().Single(r => r.GetProperty("key").GetString() == "anthropic/claude-sonnet-4-5");
        Assert.True(failing.GetProperty("effective_weight").GetDouble() < 0.1);
    }

    [Fact]
    public async Task MetadataRule_MatchesTheRequestBodysMetadata()
    {
        using var gold = await _gateway.Client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"openai/gpt-4o-mini","metadata":{"tier":"gold"},"messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));
        using var silver = await _gateway.Client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"openai/gpt-4o-mini","metadata":{"tier":"silver"},"messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal("anthropic", gold.Headers.GetValues("x-tollgate-provider").Single());
        Assert.Equal("gold-tier", gold.Headers.GetValues("x-tollgate-route-rule").Single());
        Assert.Equal("openai", silver.Headers.GetValues("x-tollgate-provider").Single());
    }
}
