using System.Buffers;
using System.Text;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Tests.Providers.Anthropic;

public sealed class AnthropicStreamTranslatorTests
{
    private const string ResponseModel = "claude-sonnet";
    private const long Created = 1_700_000_000;

    [Fact]
    public void OnEvent_StreamedTextAnswer_BecomesRoleContentAndFinishChunks()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        var chunks = Feed(translator,
            ("message_start", """{"type":"message_start","message":{"id":"msg_01QC4g3HwBThD4BaNtBckFDJ","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard"}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("ping", """{"type": "ping"}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"! \"Quoted\"\nand caf\u00e9"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" — done 🚀"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":30}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        Assert.Equal(5, chunks.Count);
        Assert.All(chunks, chunk =>
        {
            Assert.Equal("msg_01QC4g3HwBThD4BaNtBckFDJ", chunk.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            Assert.Equal(Created, chunk.GetProperty("created").GetInt64());
            Assert.Equal(ResponseModel, chunk.GetProperty("model").GetString());
            var choice = Assert.Single(chunk.GetProperty("choices").EnumerateArray());
            Assert.Equal(0, choice.GetProperty("index").GetInt32());
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        });

        var first = Delta(chunks[0]);
        Assert.Equal("assistant", first.GetProperty("role").GetString());
        Assert.Equal("", first.GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, chunks[0].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);

        var text = string.Concat(chunks.Select(c => Delta(c).TryGetProperty("content", out var content) ? content.GetString() : ""));
        Assert.Equal("Hello! \"Quoted\"\nand café — done 🚀", text);

        var last = chunks[^1];
        Assert.Empty(Delta(last).EnumerateObject());
        Assert.Equal("stop", last.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        Assert.Equal(new TokenUsage(12, 30), translator.Usage);
        Assert.Equal("msg_01QC4g3HwBThD4BaNtBckFDJ", translator.Id);
        Assert.True(translator.Completed);
        Assert.Null(translator.ErrorType);
    }

    [Fact]
    public void OnEvent_StreamedToolCalls_AreIndexedFromZeroAndFragmentsJoinToTheArguments()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        var chunks = Feed(translator,
            ("message_start", """{"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","stop_sequence":null,"usage":{"input_tokens":5,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,"output_tokens":2},"content":[],"stop_reason":null}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking both."}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"San"}}"""),
            ("ping", """{"type":"ping"}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" Francisco, CA\", \"unit\": \"fah"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"renheit\"}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            ("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"tz\":"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\"America/Los_Angeles\"}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":2}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        var toolCalls = chunks
            .Where(c => Delta(c).TryGetProperty("tool_calls", out _))
            .Select(c => Assert.Single(Delta(c).GetProperty("tool_calls").EnumerateArray()))
            .ToList();

        // A header per tool call, then one frame per non-empty fragment.
        Assert.Equal(7, toolCalls.Count);
        var headers = toolCalls.Where(c => c.TryGetProperty("id", out _)).ToList();
        Assert.Equal([0, 1], headers.Select(h => h.GetProperty("index").GetInt32()));
        Assert.Equal(["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_02"], headers.Select(h => h.GetProperty("id").GetString()));
        Assert.All(headers, h => Assert.Equal("function", h.GetProperty("type").GetString()));
        Assert.Equal(["get_weather", "get_time"], headers.Select(h => h.GetProperty("function").GetProperty("name").GetString()));
        Assert.All(headers, h => Assert.Equal("", h.GetProperty("function").GetProperty("arguments").GetString()));

        string Arguments(int index) => string.Concat(toolCalls
            .Where(c => c.GetProperty("index").GetInt32() == index)
            .Select(c => c.GetProperty("function").GetProperty("arguments").GetString()));

        Assert.Equal("""{"city": "San Francisco, CA", "unit": "fahrenheit"}""", Arguments(0));
        using (var weather = JsonDocument.Parse(Arguments(0)))
        {
            Assert.Equal("San Francisco, CA", weather.RootElement.GetProperty("city").GetString());
        }

        Assert.Equal("""{"tz":"America/Los_Angeles"}""", Arguments(1));

        Assert.Equal("Checking both.", string.Concat(chunks.Select(c => Delta(c).TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Equal("tool_calls", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(new TokenUsage(PromptTokens: 1205, CompletionTokens: 89, CachedTokens: 1000, CacheWriteTokens: 200), translator.Usage);
        Assert.True(translator.Completed);
    }

    [Fact]
    public void OnEvent_ThinkingDeltas_BecomeReasoningContentAndSignaturesAreDropped()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        var chunks = Feed(translator,
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":9,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"2+2 "}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"is 4."}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"4"}}"""));

        Assert.Equal(4, chunks.Count);
        Assert.Equal("2+2 is 4.", string.Concat(chunks.Select(c => Delta(c).TryGetProperty("reasoning_content", out var r) ? r.GetString() : "")));
        Assert.Equal("4", Delta(chunks[^1]).GetProperty("content").GetString());
    }

    [Fact]
    public void OnEvent_ErrorEvent_SetsErrorAndWritesNothing()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);
        Feed(translator, ("message_start", """{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":9,"output_tokens":1}}}"""));

        var chunks = Feed(translator,
            ("error", """{"type": "error", "error": {"details": null, "type": "overloaded_error", "message": "Overloaded"}}"""));

        Assert.Empty(chunks);
        Assert.Equal("overloaded_error", translator.ErrorType);
        Assert.Equal("Overloaded", translator.ErrorMessage);
        Assert.False(translator.Completed);
    }

    [Fact]
    public void OnEvent_EmptyEventNames_AreTranslatedFromTheJsonType()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        var chunks = Feed(translator,
            ("", """{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":3,"output_tokens":1}}}"""),
            ("", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"""),
            ("", """{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":7}}"""),
            ("", """{"type":"message_stop"}"""));

        Assert.Equal(3, chunks.Count);
        Assert.Equal("Hi", Delta(chunks[1]).GetProperty("content").GetString());
        Assert.Equal("length", chunks[2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(new TokenUsage(3, 7), translator.Usage);
        Assert.True(translator.Completed);
    }

    [Fact]
    public void OnEvent_JsonTypeDisagreeingWithEventName_FollowsTheJsonType()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        var chunks = Feed(translator,
            ("ping", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"""),
            ("message_stop", """{"type":"ping"}"""));

        Assert.Equal("Hi", Delta(Assert.Single(chunks)).GetProperty("content").GetString());
        Assert.False(translator.Completed);
    }

    [Fact]
    public void OnEvent_DataWithoutType_FallsBackToTheEventName()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        Feed(translator, ("message_stop", "{}"));

        Assert.True(translator.Completed);
    }

    [Fact]
    public void OnEvent_UnknownEventType_IsIgnored()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        var chunks = Feed(translator, ("future_event", """{"type":"future_event","payload":{"a":[1,2,3]}}"""));

        Assert.Empty(chunks);
        Assert.Null(translator.ErrorType);
    }

    [Fact]
    public void OnEvent_MalformedData_IsReportedAsAnErrorAndWritesNothing()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        var chunks = Feed(translator, ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"""));

        Assert.Empty(chunks);
        Assert.Equal("invalid_upstream_event", translator.ErrorType);
    }

    [Fact]
    public void OnEvent_MessageDeltaWithCumulativeInputUsage_UpdatesInputTokens()
    {
        var translator = new AnthropicStreamTranslator(ResponseModel, Created);

        Feed(translator,
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":849,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":10}}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":900,"cache_creation_input_tokens":0,"cache_read_input_tokens":64,"output_tokens":47}}"""));

        Assert.Equal(new TokenUsage(PromptTokens: 964, CompletionTokens: 47, CachedTokens: 64), translator.Usage);
    }

    /// <summary>Feeds events one by one, checks each appended only whole frames, and returns the chunks' JSON.</summary>
    private static List<JsonElement> Feed(AnthropicStreamTranslator translator, params (string Event, string Data)[] events)
    {
        var chunks = new List<JsonElement>();
        foreach (var (name, data) in events)
        {
            var output = new ArrayBufferWriter<byte>();
            translator.OnEvent(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(data), output);

            var text = Encoding.UTF8.GetString(output.WrittenSpan);
            if (text.Length == 0)
            {
                continue;
            }

            Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
            foreach (var frame in text[..^2].Split("\n\n"))
            {
                Assert.StartsWith("data: ", frame, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', frame);
                using var document = JsonDocument.Parse(frame["data: ".Length..]);
                chunks.Add(document.RootElement.Clone());
            }
        }

        return chunks;
    }

    private static JsonElement Delta(JsonElement chunk) => chunk.GetProperty("choices")[0].GetProperty("delta");
}
