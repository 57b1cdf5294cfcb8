using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tollgate.Tests.Functional;

[Collection(GatewayCollection.Name)]
public sealed class ChatCompletionsTests(GatewayFixture fixture)
{
    public static TheoryData<string, string> Models => new()
    {
        { "databricks/databricks-meta-llama-3-3-70b-instruct", "databricks" },
        { "dbx-sp/databricks-meta-llama-3-3-70b-instruct", "databricks" },
        { "openai/gpt-4o-mini", "openai" },
        { "anthropic/claude-sonnet-4-5", "anthropic" },
        { "azure/gpt-4o-mini", "azure" },
        { "local-vllm/meta-llama/Llama-3.1-8B-Instruct", "compat" },
        { "groq/llama-3.3-70b-versatile", "compat" },
    };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Chat_NonStream_ReturnsOpenAIShapeWithUsage(string model, string upstream)
    {
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello gateway"}]}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        var message = root.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Contains("hello gateway", message.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains(upstream == "compat" ? "Hello from" : upstream, message.GetProperty("content").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.True(root.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Equal(model[..model.IndexOf('/')], response.Headers.GetValues("x-tollgate-provider").Single());
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-request-id").Single()));
        Assert.True(double.Parse(response.Headers.GetValues("x-tollgate-overhead-ms").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 0);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Chat_Stream_WithIncludeUsage_EndsWithOneUsageChunkAndDone(string model, string upstream)
    {
        _ = upstream;
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"stream to me please"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var data = await Sse.ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Contains("stream to me please", Sse.JoinedContent(data), StringComparison.Ordinal);
        var chunks = data.Take(data.Count - 1).Select(d => JsonDocument.Parse(d).RootElement).ToList();
        var usageOnly = chunks.Where(c => c.GetProperty("choices").GetArrayLength() == 0).ToList();
        var last = Assert.Single(usageOnly);
        Assert.Equal(chunks[^1].GetRawText(), last.GetRawText());
        Assert.True(last.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
    }

    [Theory]
    [InlineData("openai/gpt-4o-mini")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("databricks/databricks-meta-llama-3-3-70b-instruct")]
    public async Task Chat_Stream_WithoutIncludeUsage_SendsNoUsageOnlyChunk(string model)
    {
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"no usage"}]}"""));

        var data = await Sse.ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        Assert.DoesNotContain(data.Take(data.Count - 1), d => JsonDocument.Parse(d).RootElement.GetProperty("choices").GetArrayLength() == 0);
    }

    [Fact]
    public async Task Chat_Databricks_UsesInvocationsWithoutStreamOptionsOrModel()
    {
        var before = fixture.Emulator.Journal.Mark();
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}],"x_custom":{"keep":[1,2]},"seed":42,"fallbacks":["openai/gpt-4o"]}"""));
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = fixture.Emulator.Journal.Since(before).Single(e => e.Provider == "databricks");
        Assert.Equal("/databricks/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations", request.PathAndQuery);
        Assert.Equal("Bearer " + GatewayFixture.DatabricksPat, request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.False(body.RootElement.TryGetProperty("stream_options", out _));
        Assert.False(body.RootElement.TryGetProperty("model", out _));
        Assert.False(body.RootElement.TryGetProperty("fallbacks", out _));
        Assert.Equal("""{"keep":[1,2]}""", body.RootElement.GetProperty("x_custom").GetRawText());
        Assert.Equal(42, body.RootElement.GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task Chat_OpenAI_ForwardsEveryFieldAndRewritesModel()
    {
        var before = fixture.Emulator.Journal.Mark();
        const string fields = """
            "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"tool_choice":"none","response_format":{"type":"json_object"},"n":1,"stop":["END"],"seed":3,"logprobs":false,"user":"u-1","future_field":"kept"
            """;
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],{{fields}}}"""));
        var responseBody = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, responseBody);

        var request = fixture.Emulator.Journal.Since(before).Single(e => e.Provider == "openai");
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("gpt-4o-mini", body.RootElement.GetProperty("model").GetString());
        using var sent = JsonDocument.Parse("{" + fields + "}");
        foreach (var property in sent.RootElement.EnumerateObject())
        {
            Assert.Equal(property.Value.GetRawText(), body.RootElement.GetProperty(property.Name).GetRawText());
        }
    }

    [Fact]
    public async Task Chat_Azure_UsesDeploymentUrlApiVersionAndApiKeyHeader()
    {
        var before = fixture.Emulator.Journal.Mark();
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"azure/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = fixture.Emulator.Journal.Since(before).Single(e => e.Provider == "azure");
        Assert.StartsWith("/azure/openai/deployments/prod-mini/chat/completions?api-version=", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(GatewayFixture.AzureKey, request.Headers["api-key"]);
    }

    [Fact]
    public async Task Chat_OpenAIPrefix_ServesTheSameApi()
    {
        using var response = await fixture.Client.PostAsync("/openai/v1/chat/completions",
            Json("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"via prefix"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("via prefix", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai/gpt-4o-mini")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("databricks/databricks-meta-llama-3-3-70b-instruct")]
    public async Task Chat_Tools_RoundTrip(string model)
    {
        const string tools = """[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}]""";
        using var first = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","tools":{{tools}},"tool_choice":"auto","messages":[{"role":"user","content":"weather in Paris?"}]}"""));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.IsSuccessStatusCode, firstBody);
        using var firstDoc = JsonDocument.Parse(firstBody);
        var choice = firstDoc.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString());

        var id = call.GetProperty("id").GetString();
        var followUp = $$$"""
            {"model":"{{{model}}}","tools":{{{tools}}},"messages":[
              {"role":"user","content":"weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"{{{id}}}","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"{{{id}}}","content":"sunny and 21C"}]}
            """;
        using var second = await fixture.Client.PostAsync("/v1/chat/completions", Json(followUp));
        var secondBody = await second.Content.ReadAsStringAsync();
        Assert.True(second.IsSuccessStatusCode, secondBody);
        Assert.Contains("sunny and 21C", JsonDocument.Parse(secondBody).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completions_Databricks_ReturnsTextCompletion()
    {
        using var response = await fixture.Client.PostAsync("/v1/completions",
            Json("""{"model":"databricks/databricks-mpt-7b-instruct","prompt":"say hi","max_tokens":8}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Completions_Anthropic_IsAClear400()
    {
        using var response = await fixture.Client.PostAsync("/v1/completions", Json("""{"model":"anthropic/claude-sonnet-4-5","prompt":"x"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_operation", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }
}
