using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Guardrails;

/// <summary>Guardrails over real HTTP against the emulator, which streams one word per event, so a card number written
/// as "4111 1111 1111 1111" arrives split over four events.</summary>
public sealed class GuardrailStreamTests : IAsyncLifetime
{
    private const string Card = "4111 1111 1111 1111";
    private const string VkValue = "sk-tg-guardrail-key-0000000001";

    private EmulatorHost _emulator = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        var config = GatewayFixture.BuildConfig(_emulator).TrimEnd();
        config = config[..^1] + """
            ,
            "guardrails": {
              "input": { "invalid_keywords": ["project falcon"] },
              "rules": [
                { "id": "mask-emails-in", "type": "pii", "entities": ["EMAIL"], "apply_to": "input", "action": "mask" },
                { "id": "no-cards-out", "type": "pii", "entities": ["CREDIT_CARD"], "apply_to": "output", "action": "block" },
                { "id": "no-secret-in", "type": "pii", "entities": ["SECRET"], "apply_to": "input", "action": "block" }
              ]
            },
            "governance": { "virtual_keys": [{ "id": "vk-g", "name": "guarded", "value": "sk-tg-guardrail-key-0000000001",
              "guardrails": { "input": { "invalid_keywords": ["bananas"] } } }] }
            }
            """;
        _gateway = await GatewayHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (path.StartsWith("/anthropic", StringComparison.Ordinal))
        {
            request.Headers.Add("x-api-key", key ?? "no-virtual-key");
            request.Headers.Add("anthropic-version", "2023-06-01");
        }
        else if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await _gateway.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "openai/gpt-4o-mini")]
    [InlineData("/v1/chat/completions", "anthropic/claude-sonnet-4-5")]
    [InlineData("/anthropic/v1/messages", "anthropic/claude-sonnet-4-5")]
    [InlineData("/anthropic/v1/messages", "openai/gpt-4o-mini")]
    [InlineData("/v1/responses", "openai/gpt-4o-mini")]
    [InlineData("/v1/responses", "databricks/databricks-meta-llama-3-3-70b-instruct")]
    public async Task CardSplitAcrossEvents_EndsTheStreamWithAGuardrailError(string path, string model)
    {
        var body = path == "/v1/responses"
            ? $$"""{"model":"{{model}}","stream":true,"input":"pay with {{Card}} please"}"""
            : $$"""{"model":"{{model}}","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"pay with {{Card}} please"}]}""";

        var (status, text) = await PostAsync(path, body);

        Assert.Equal(HttpStatusCode.OK, status);
        if (!path.StartsWith("/anthropic", StringComparison.Ordinal))
        {
            // Anthropic's error object has a type and a message only; the rule is named in the message.
            Assert.Contains("guardrail_violation", text, StringComparison.Ordinal);
        }

        Assert.Contains("no-cards-out", text, StringComparison.Ordinal);
        Assert.DoesNotContain("please", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, text, StringComparison.Ordinal);
        if (path == "/v1/chat/completions")
        {
            Assert.EndsWith("data: [DONE]", text.TrimEnd(), StringComparison.Ordinal);
        }
        else if (path == "/anthropic/v1/messages")
        {
            Assert.Contains("event: error", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NonStreamAnswer_WithACard_Is400()
    {
        var (status, text) = await PostAsync("/v1/chat/completions", $$"""{"model":"openai/gpt-4o-mini","max_tokens":64,"messages":[{"role":"user","content":"pay with {{Card}} please"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("guardrail_violation", error.GetProperty("code").GetString());
        Assert.Equal("no-cards-out", error.GetProperty("param").GetString());
        Assert.DoesNotContain("4111", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/anthropic/v1/messages")]
    public async Task InputKeyword_Is400GuardrailViolation_InTheDialectsShape(string path)
    {
        var (status, text) = await PostAsync(path, """{"model":"openai/gpt-4o-mini","max_tokens":64,"messages":[{"role":"user","content":"Tell me about PROJECT   falcon"}]}""".Replace("   ", " ", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var root = JsonDocument.Parse(text).RootElement;
        if (path.StartsWith("/anthropic", StringComparison.Ordinal))
        {
            Assert.Equal("error", root.GetProperty("type").GetString());
        }

        Assert.Contains("input.invalid_keywords", text, StringComparison.Ordinal);
        Assert.DoesNotContain("falcon", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InputSecret_IsBlockedWithoutEchoingIt()
    {
        var (status, text) = await PostAsync("/v1/chat/completions", $$"""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"use {{FakeSecrets.AwsAccessKey}}"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("no-secret-in", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.DoesNotContain("AKIA", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions", "openai/gpt-4o-mini")]
    [InlineData("/anthropic/v1/messages", "anthropic/claude-sonnet-4-5")]
    public async Task InputEmail_IsMaskedBeforeTheUpstreamSeesIt(string path, string model)
    {
        var (status, text) = await PostAsync(path, $$"""{"model":"{{model}}","max_tokens":64,"messages":[{"role":"user","content":"write to bob@example.com and ann@example.org and bob@example.com"}]}""");

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Contains("<EMAIL_1> and <EMAIL_2> and <EMAIL_1>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VirtualKeyGuardrails_AddToTheGateways()
    {
        var (blocked, text) = await PostAsync("/v1/chat/completions", """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"I like bananas"}]}""", VkValue);
        Assert.Equal(HttpStatusCode.BadRequest, blocked);
        Assert.Equal("vk.vk-g.input.invalid_keywords", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString());

        var (other, _) = await PostAsync("/v1/chat/completions", """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"I like bananas"}]}""");
        Assert.Equal(HttpStatusCode.OK, other);
    }

    [Fact]
    public async Task Firings_AreCountedInMetrics()
    {
        await PostAsync("/v1/chat/completions", $$"""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"use {{FakeSecrets.AwsAccessKey}}"}]}""");
        var metrics = await _gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("tollgate_guardrail_firings_total{rule=\"no-secret-in\",action=\"block\",direction=\"input\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("tollgate_guardrail_entities_total{rule=\"no-secret-in\",entity=\"SECRET\"}", metrics, StringComparison.Ordinal);
    }
}
