using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api;

/// <summary><c>/anthropic/v1/messages</c> over real HTTP, translated to and from every upstream family.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AnthropicEndpointTests(GatewayFixture fixture)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private Task<HttpResponseMessage> MessagesAsync(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages") { Content = Json(body) };
        request.Headers.Add("x-api-key", "no-virtual-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        return fixture.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("anthropic/claude-sonnet-4-5", "anthropic")]
    [InlineData("claude-sonnet-4-5", "anthropic")]
    [InlineData("databricks/databricks-meta-llama-3-3-70b-instruct", "databricks")]
    [InlineData("openai/gpt-4o-mini", "openai")]
    public async Task Messages_NonStream_AnswersInAnthropicShape(string model, string provider)
    {
        using var response = await MessagesAsync($$"""{"model":"{{model}}","max_tokens":64,"system":"be brief","messages":[{"role":"user","content":"hello anthropic path"}]}""");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("message", root.GetProperty("type").GetString());
        Assert.Equal("assistant", root.GetProperty("role").GetString());
        // Translated answers echo the requested name; a passthrough to Anthropic returns Anthropic's own.
        Assert.EndsWith(model[(model.IndexOf('/') + 1)..], root.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("msg_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Contains("hello anthropic path", root.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("end_turn", root.GetProperty("stop_reason").GetString());
        Assert.True(root.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.Equal(provider, response.Headers.GetValues("x-tollgate-provider").Single());
    }

    [Theory]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("databricks/databricks-meta-llama-3-3-70b-instruct")]
    [InlineData("openai/gpt-4o-mini")]
    public async Task Messages_Stream_IsTheAnthropicEventSequence(string model)
    {
        using var response = await MessagesAsync($$"""{"model":"{{model}}","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"stream the anthropic path"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (Name: lines.First(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..], Data: JsonDocument.Parse(lines.First(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement))
            .ToList();
        Assert.Equal("message_start", events[0].Name);
        Assert.Equal("message_stop", events[^1].Name);
        Assert.Equal("message_delta", events[^2].Name);
        Assert.Equal("end_turn", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.True(events[^2].Data.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.Contains(events, e => e.Name == "content_block_start");
        Assert.Contains(events, e => e.Name == "content_block_stop");
        var joined = string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Contains("stream the anthropic path", joined, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_MissingMaxTokens_IsAnAnthropicShaped400()
    {
        using var response = await MessagesAsync("""{"model":"anthropic/claude-sonnet-4-5","messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", root.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("max_tokens", root.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_UpstreamError_IsAnthropicShapedWithItsStatus()
    {
        using var response = await MessagesAsync("""{"model":"nosuch/model","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("not_found_error", root.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task CountTokens_And_Models_Answer()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages/count_tokens")
        {
            Content = Json("""{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"count these few words please"}]}"""),
        };
        using var count = await fixture.Client.SendAsync(request);
        using var models = await fixture.Client.GetAsync("/anthropic/v1/models");

        Assert.Equal(HttpStatusCode.OK, count.StatusCode);
        Assert.InRange(JsonDocument.Parse(await count.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt32(), 5, 30);
        var list = JsonDocument.Parse(await models.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(list.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "anthropic/claude-sonnet-4-5");
        Assert.False(list.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task Messages_ToAnthropic_ArePassedThroughUntranslated()
    {
        var mark = fixture.Emulator.Journal.Mark();
        var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages")
        {
            Content = Json("""{"model":"claude-sonnet-4-5","max_tokens":32,"system":[{"type":"text","text":"long shared prompt","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"cache me"}]}"""),
        };
        request.Headers.Add("x-api-key", "no-virtual-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("anthropic-beta", "prompt-caching-2024-07-31");

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = fixture.Emulator.Journal.Since(mark).Single(e => e.Provider == "anthropic");
        Assert.Contains("\"cache_control\"", upstream.Body, StringComparison.Ordinal);
        Assert.Equal("prompt-caching-2024-07-31", upstream.Headers["anthropic-beta"]);
        Assert.Equal(GatewayFixture.AnthropicKey, upstream.Credential);
        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
        Assert.Equal(5, usage.GetProperty("cache_read_input_tokens").GetInt32());
    }
}
