using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Providers.Wave2;

/// <summary>
/// The functional matrix every provider passes (chat, stream with usage, tools both ways, embeddings, upstream errors,
/// a cut stream, fallbacks in and out, cost, the Anthropic dialect), run against each wave-2 provider's emulator.
/// </summary>
[Collection(Wave2Collection.Name)]
public sealed class ProviderMatrixTests(Wave2Fixture fixture) : IDisposable
{
    private const string Tools = """[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"],"additionalProperties":false}}}]""";

    public static TheoryData<string, string> ChatModels => new()
    {
        { "gemini/gemini-2.5-flash", "gemini" },
        { "vertex/gemini-2.5-flash", "vertex" },
        { "cohere/command-a-03-2025", "cohere" },
        { "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0", "bedrock" },
    };

    public static TheoryData<string> EmbeddingModels => new()
    {
        "gemini/gemini-embedding-001",
        "vertex/gemini-embedding-001",
        "cohere/embed-v4.0",
        "bedrock/amazon.titan-embed-text-v2:0",
    };

    public void Dispose() => fixture.Emulator.Faults.Clear();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Upstream(string model) => model[..model.IndexOf('/')];

    /// <summary>A path piece of the provider's inference calls only (so a Vertex fault never hits its token endpoint).</summary>
    private static string ChatPath(string upstream) => upstream switch
    {
        "gemini" or "vertex" => "/models/",
        "cohere" => "/v2/",
        _ => "/model/",
    };

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Chat_NonStream_ReturnsOpenAIShapeWithUsageAndCost(string model, string upstream)
    {
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello gateway"}]}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal($"Hello from {upstream}! You said: hello gateway", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());

        // The emulator counts words: "be brief" + "hello gateway" + 3 per message.
        Assert.Equal(10, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(upstream, response.Headers.GetValues("x-tollgate-provider").Single());
        Assert.True(double.Parse(response.Headers.GetValues("x-tollgate-cost-usd").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Chat_Stream_WithIncludeUsage_EndsWithOneUsageChunkAndDone(string model, string upstream)
    {
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"stream to me please"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var data = await Sse.ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Equal($"Hello from {upstream}! You said: stream to me please", Sse.JoinedContent(data));
        var chunks = data.Take(data.Count - 1).Select(d => JsonDocument.Parse(d).RootElement).ToList();
        var usage = Assert.Single(chunks, c => c.GetProperty("choices").GetArrayLength() == 0);
        Assert.Equal(chunks[^1].GetRawText(), usage.GetRawText());
        Assert.Equal(7, usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(9, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("stop", chunks.Select(c => c.GetProperty("choices")).Where(c => c.GetArrayLength() > 0)
            .Select(c => c[0].GetProperty("finish_reason")).Single(f => f.ValueKind == JsonValueKind.String).GetString());
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Chat_Tools_RoundTrip(string model, string upstream)
    {
        _ = upstream;
        using var first = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","tools":{{Tools}},"tool_choice":"auto","messages":[{"role":"user","content":"weather in Paris?"}]}"""));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.IsSuccessStatusCode, firstBody);
        var choice = JsonDocument.Parse(firstBody).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString());

        var id = call.GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        var followUp = $$$"""
            {"model":"{{{model}}}","tools":{{{Tools}}},"messages":[
              {"role":"user","content":"weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"{{{id}}}","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"{{{id}}}","content":"sunny and 21C"}]}
            """;
        using var second = await fixture.Client.PostAsync("/v1/chat/completions", Json(followUp));
        var secondBody = await second.Content.ReadAsStringAsync();
        Assert.True(second.IsSuccessStatusCode, secondBody);
        Assert.Contains("sunny and 21C", JsonDocument.Parse(secondBody).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Chat_Tools_Stream_AssemblesOneCall(string model, string upstream)
    {
        _ = upstream;
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","stream":true,"tools":{{Tools}},"messages":[{"role":"user","content":"weather in Paris?"}]}"""));

        var data = await Sse.ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        var deltas = data.Take(data.Count - 1).Select(d => JsonDocument.Parse(d).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0).Select(c => c[0]).ToList();
        var calls = deltas.Where(d => d.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(d => d.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.All(calls, c => Assert.Equal(0, c.GetProperty("index").GetInt32()));
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(calls[0].GetProperty("id").GetString()));
        var arguments = string.Concat(calls.Select(c => c.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("Paris", JsonDocument.Parse(arguments).RootElement.GetProperty("location").GetString());
        Assert.Equal("tool_calls", deltas.Single(d => d.GetProperty("finish_reason").ValueKind == JsonValueKind.String).GetProperty("finish_reason").GetString());
    }

    [Theory]
    [MemberData(nameof(EmbeddingModels))]
    public async Task Embeddings_FloatAndBase64_MatchEachOther(string model)
    {
        var input = Upstream(model) == "bedrock" ? "\"first text\"" : """["first text","second one"]""";
        using var floats = await fixture.Client.PostAsync("/v1/embeddings", Json($$"""{"model":"{{model}}","input":{{input}}}"""));
        var floatBody = await floats.Content.ReadAsStringAsync();
        Assert.True(floats.IsSuccessStatusCode, floatBody);
        var root = JsonDocument.Parse(floatBody).RootElement;
        Assert.Equal("list", root.GetProperty("object").GetString());
        var first = root.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(8, first.Length);
        Assert.True(root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);

        using var base64 = await fixture.Client.PostAsync("/v1/embeddings", Json($$"""{"model":"{{model}}","input":{{input}},"encoding_format":"base64"}"""));
        var encoded = JsonDocument.Parse(await base64.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!;
        var bytes = Convert.FromBase64String(encoded);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();
        Assert.Equal(first, decoded);
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task UpstreamRateLimit_IsRetriedThenMappedTo429(string model, string upstream)
    {
        var before = fixture.Emulator.Journal.Mark();
        fixture.Emulator.Faults.Add(new FaultRule { Provider = upstream, Status = 429, RetryAfterSeconds = 0, Times = -1, PathContains = ChatPath(upstream) });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal("3", response.Headers.GetValues("x-tollgate-attempts").Single());
        Assert.Equal(3, fixture.Emulator.Journal.Since(before).Count(e => e.Provider == upstream && !e.PathAndQuery.EndsWith("/token", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Upstream400_PassesMessageThroughWithoutRetry(string model, string upstream)
    {
        var before = fixture.Emulator.Journal.Mark();
        fixture.Emulator.Faults.Add(new FaultRule { Provider = upstream, Status = 400, Message = "bad things happened", Times = 1, PathContains = ChatPath(upstream) });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad things happened", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(1, fixture.Emulator.Journal.Since(before).Count(e => e.Provider == upstream && !e.PathAndQuery.EndsWith("/token", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task StreamCutMidway_EndsWithErrorEventAndDone(string model, string upstream)
    {
        fixture.Emulator.Faults.Add(new FaultRule { Provider = upstream, DropStreamAfterEvents = 2, Times = 1 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"one two three four five six"}]}"""));

        var data = await Sse.ReadDataAsync(response);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Equal("upstream_stream_interrupted", JsonDocument.Parse(data[^2]).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Fallback_FromFailingProvider_ToOpenAI(string model, string upstream)
    {
        fixture.Emulator.Faults.Add(new FaultRule { Provider = upstream, Status = 503, Times = -1, PathContains = ChatPath(upstream) });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{model}}","fallbacks":["openai/gpt-4o-mini"],"messages":[{"role":"user","content":"fall back"}]}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("openai", response.Headers.GetValues("x-tollgate-provider").Single());
        Assert.Equal("true", response.Headers.GetValues("x-tollgate-fallback-used").Single());
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Fallback_FromOpenAI_ToThisProvider(string model, string upstream)
    {
        fixture.Emulator.Faults.Add(new FaultRule { Provider = "openai", Status = 503, Times = -1 });

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"openai/gpt-4o-mini","fallbacks":["{{model}}"],"messages":[{"role":"user","content":"fall forward"}]}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(upstream, response.Headers.GetValues("x-tollgate-provider").Single());
        Assert.Contains($"Hello from {upstream}", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task AnthropicDialect_ReachesThisProvider(string model, string upstream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages")
        {
            Content = Json($$"""{"model":"{{model}}","max_tokens":64,"messages":[{"role":"user","content":"via anthropic"}]}"""),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await fixture.Client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("message", root.GetProperty("type").GetString());
        Assert.Equal($"Hello from {upstream}! You said: via anthropic", root.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", root.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Models_ListsEveryWave2Provider()
    {
        var body = await fixture.Client.GetStringAsync("/v1/models");
        var ids = JsonDocument.Parse(body).RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToHashSet();

        Assert.Contains("gemini/gemini-2.5-flash", ids);
        Assert.Contains("vertex/gemini-2.5-flash", ids);
        Assert.Contains("cohere/command-a-03-2025", ids);
        Assert.Contains("bedrock/anthropic.claude-3-5-haiku-20241022-v1:0", ids);
        Assert.Contains("bedrock/claude-haiku", ids);
        Assert.Contains("bedrock-apikey/amazon.nova-lite-v1:0", ids);
    }

    [Fact]
    public async Task Completions_AreAClear400ForTranslatedProviders()
    {
        using var response = await fixture.Client.PostAsync("/v1/completions", Json("""{"model":"gemini/gemini-2.5-flash","prompt":"x"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_operation", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
