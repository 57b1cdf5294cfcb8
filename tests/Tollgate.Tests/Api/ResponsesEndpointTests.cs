using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api;

/// <summary><c>/v1/responses</c> served from chat-only upstreams, with stored conversations.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ResponsesEndpointTests(GatewayFixture fixture)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("databricks/databricks-meta-llama-3-3-70b-instruct")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("local-vllm/meta-llama/Llama-3.1-8B-Instruct")]
    public async Task Create_ReturnsAResponseObject(string model)
    {
        using var response = await fixture.Client.PostAsync("/v1/responses",
            Json($$"""{"model":"{{model}}","instructions":"be brief","input":"hello responses api"}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("response", root.GetProperty("object").GetString());
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.StartsWith("resp_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        var message = root.GetProperty("output").EnumerateArray().Single(o => o.GetProperty("type").GetString() == "message");
        Assert.Contains("hello responses api", message.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task PreviousResponseId_ContinuesTheStoredConversation()
    {
        using var first = await fixture.Client.PostAsync("/v1/responses",
            Json("""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","input":"my name is Ada"}"""));
        var id = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var mark = fixture.Emulator.Journal.Mark();

        using var second = await fixture.Client.PostAsync("/v1/responses",
            Json($$"""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","previous_response_id":"{{id}}","input":"what is my name?"}"""));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var upstream = fixture.Emulator.Journal.Since(mark).Single(e => e.Provider == "databricks");
        var messages = JsonDocument.Parse(upstream.Body).RootElement.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());  // user, assistant (stored), user
        Assert.Contains("my name is Ada", messages[0].GetProperty("content").GetRawText(), StringComparison.Ordinal);
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
    }

    [Fact]
    public async Task UnknownPreviousResponseId_Is400()
    {
        using var response = await fixture.Client.PostAsync("/v1/responses",
            Json("""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","previous_response_id":"resp_nope","input":"x"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("previous_response_id", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Stream_EmitsTheNamedEventsInOrder()
    {
        using var response = await fixture.Client.PostAsync("/v1/responses",
            Json("""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","stream":true,"input":"stream the responses api"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n').First(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..])
            .ToList();
        Assert.Equal("response.created", events[0]);
        Assert.Equal("response.completed", events[^1]);
        Assert.Contains("response.output_item.added", events);
        Assert.Contains("response.output_text.delta", events);
        Assert.Contains("response.output_text.done", events);
    }

    [Fact]
    public async Task OpenAI_IsPassedThrough_WithItsOwnIdsAndConversations()
    {
        var mark = fixture.Emulator.Journal.Mark();

        using var first = await fixture.Client.PostAsync("/v1/responses", Json("""{"model":"openai/gpt-4o-mini","input":"straight to openai"}"""));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.OK, firstBody);
        var id = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetString()!;
        Assert.StartsWith("resp_emu_", id, StringComparison.Ordinal);  // the upstream's own id: nothing translated
        Assert.True(first.Headers.Contains("x-tollgate-cost-usd"));

        using var second = await fixture.Client.PostAsync("/v1/responses",
            Json($$"""{"model":"openai/gpt-4o-mini","previous_response_id":"{{id}}","input":"continue upstream"}"""));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var upstream = fixture.Emulator.Journal.Since(mark).Where(e => e.Provider == "openai").ToList();
        Assert.All(upstream, e => Assert.Equal("/openai/v1/responses", e.PathAndQuery));
        Assert.Contains(id, upstream[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAI_StreamIsPassedThrough()
    {
        using var response = await fixture.Client.PostAsync("/v1/responses", Json("""{"model":"openai/gpt-4o-mini","stream":true,"input":"stream straight through"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("event: response.completed", text, StringComparison.Ordinal);
        Assert.Contains("resp_emu_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
    }
}
