using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Api.Anthropic;
using Tollgate.Inference;
using Tollgate.Providers;

namespace Tollgate.Tests.Api.Anthropic;

public sealed partial class AnthropicInboundStreamTests
{
    private const string Model = "claude-sonnet-4-5";

    // An OpenAI gpt-4o stream with stream_options.include_usage, as recorded: role chunk, text chunks, finish chunk,
    // usage chunk with empty choices.
    private static readonly string[] TextStream =
    [
        """{"id":"chatcmpl-BQ5m2Yx7","object":"chat.completion.chunk","created":1745000400,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f5bdcc3276","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ5m2Yx7","object":"chat.completion.chunk","created":1745000400,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f5bdcc3276","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ5m2Yx7","object":"chat.completion.chunk","created":1745000400,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f5bdcc3276","choices":[{"index":0,"delta":{"content":"! \"Quoted\"\nand caf\u00e9"},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ5m2Yx7","object":"chat.completion.chunk","created":1745000400,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f5bdcc3276","choices":[{"index":0,"delta":{"content":" — done 🚀"},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ5m2Yx7","object":"chat.completion.chunk","created":1745000400,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f5bdcc3276","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}""",
        """{"id":"chatcmpl-BQ5m2Yx7","object":"chat.completion.chunk","created":1745000400,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f5bdcc3276","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":12,"total_tokens":2018,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""",
    ];

    // Text, then two parallel tool calls streamed OpenAI-style: a header fragment with id and name, then arguments.
    private static readonly string[] TwoToolStream =
    [
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Checking both."},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"lo"}}]},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"cation\": \"San Francisco, CA\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":", \"unit\": \"fahrenheit\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_8mJ2wV1qkN0YfX3zR7pLsT4u","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"America/Los_Angeles\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}""",
        """{"id":"chatcmpl-BQ6tT1","object":"chat.completion.chunk","created":1745000500,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":64,"total_tokens":184,"prompt_tokens_details":{"cached_tokens":0}}}""",
    ];

    [Fact]
    public void StreamedTextAnswer_ProducesTheExactEventSequence()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream, TextStream);

        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
             "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));

        var message = events[0].Data.GetProperty("message");
        Assert.Equal("msg_BQ5m2Yx7", message.GetProperty("id").GetString());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(Model, message.GetProperty("model").GetString());
        Assert.Empty(message.GetProperty("content").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        Assert.Equal(0, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(0, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""", events[2].Data.GetRawText());
        Assert.All(events.Where(e => e.Name == "content_block_delta"), e =>
        {
            Assert.Equal(0, e.Data.GetProperty("index").GetInt32());
            Assert.Equal("text_delta", e.Data.GetProperty("delta").GetProperty("type").GetString());
        });
        Assert.Equal("Hello! \"Quoted\"\nand café — done 🚀", Text(events));
        Assert.Equal("""{"type":"content_block_stop","index":0}""", events[6].Data.GetRawText());

        Assert.Equal(
            """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":86,"cache_creation_input_tokens":0,"cache_read_input_tokens":1920,"output_tokens":12}}""",
            events[7].Data.GetRawText());
        Assert.Equal("""{"type":"message_stop"}""", events[8].Data.GetRawText());

        Assert.Equal(new TokenUsage(2006, 12, 1920), stream.Usage);
        Assert.Equal("msg_BQ5m2Yx7", stream.MessageId);
        Assert.True(stream.Completed);
        Assert.False(stream.Failed);
    }

    [Fact]
    public void StreamedTwoToolCallAnswer_ProducesABlockPerToolAndTheFragmentsReassemble()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream, TwoToolStream);

        Assert.Equal(
            ["message_start", "ping",
             "content_block_start", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
             "message_delta", "message_stop"],
            events.Select(e => e.Name));

        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Data).ToList();
        Assert.Equal([0, 1, 2], starts.Select(s => s.GetProperty("index").GetInt32()));
        Assert.Equal(
            """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather","input":{}}}""",
            starts[1].GetRawText());
        Assert.Equal("call_8mJ2wV1qkN0YfX3zR7pLsT4u", starts[2].GetProperty("content_block").GetProperty("id").GetString());
        Assert.Equal("get_time", starts[2].GetProperty("content_block").GetProperty("name").GetString());

        Assert.Equal("Checking both.", Text(events));
        Assert.Equal("""{"location": "San Francisco, CA", "unit": "fahrenheit"}""", PartialJson(events, 1));
        Assert.Equal("""{"tz":"America/Los_Angeles"}""", PartialJson(events, 2));
        using (var weather = JsonDocument.Parse(PartialJson(events, 1)))
        {
            Assert.Equal("San Francisco, CA", weather.RootElement.GetProperty("location").GetString());
        }

        Assert.Equal([0, 1, 2], events.Where(e => e.Name == "content_block_stop").Select(e => e.Data.GetProperty("index").GetInt32()));

        var delta = events[^2].Data;
        Assert.Equal("tool_use", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(120, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(64, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void DatabricksToolCallWithNullContinuationFieldsAndRunningUsage_IsTranslated()
    {
        // Databricks (Llama 3.3 70B) as recorded: usage on every chunk, "id": null and "name": null after the header.
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl_4c3ae1bf-991d-4266-a12d-b1e97ecbb7a0","choices":[{"delta":{"content":null,"function_call":null,"refusal":null,"role":"assistant","tool_calls":[{"index":0,"id":"call_87aed80e-f856-468f-9523-52db3018d83d","function":{"arguments":"","name":"get_weather"},"type":"function"}]},"finish_reason":null,"index":0,"logprobs":null}],"created":1758326502,"model":"meta-llama-3.3-70b-instruct-121024","object":"chat.completion.chunk","usage":{"completion_tokens":15,"prompt_tokens":682,"total_tokens":697,"completion_tokens_details":null,"prompt_tokens_details":null}}""",
            """{"id":"chatcmpl_4c3ae1bf-991d-4266-a12d-b1e97ecbb7a0","choices":[{"delta":{"content":null,"function_call":null,"refusal":null,"role":null,"tool_calls":[{"index":0,"id":null,"function":{"arguments":"{ \"city\": \"Tokyo\" }","name":null},"type":null}]},"finish_reason":null,"index":0,"logprobs":null}],"created":1758326502,"model":"meta-llama-3.3-70b-instruct-121024","object":"chat.completion.chunk","usage":{"completion_tokens":25,"prompt_tokens":682,"total_tokens":707,"completion_tokens_details":null,"prompt_tokens_details":null}}""",
            """{"id":"chatcmpl_4c3ae1bf-991d-4266-a12d-b1e97ecbb7a0","choices":[{"delta":{"content":null,"function_call":null,"refusal":null,"role":null,"tool_calls":null},"finish_reason":"tool_calls","index":0,"logprobs":null}],"created":1758326502,"model":"meta-llama-3.3-70b-instruct-121024","object":"chat.completion.chunk","usage":{"completion_tokens":27,"prompt_tokens":682,"total_tokens":709,"completion_tokens_details":null,"prompt_tokens_details":null}}""");

        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.Equal("msg_4c3ae1bf-991d-4266-a12d-b1e97ecbb7a0", events[0].Data.GetProperty("message").GetProperty("id").GetString());

        // Databricks reports the prompt from the first chunk, so message_start already knows it.
        Assert.Equal(682, events[0].Data.GetProperty("message").GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("call_87aed80e-f856-468f-9523-52db3018d83d", events[2].Data.GetProperty("content_block").GetProperty("id").GetString());
        Assert.Equal("""{ "city": "Tokyo" }""", PartialJson(events, 0));
        Assert.Equal(27, events[5].Data.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(682, events[5].Data.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public void WholeToolCallInOneChunkWithoutIndex_IsOneBlockPerCall()
    {
        // Gemini's OpenAI endpoint sends each call whole, without an index, and finish_reason "stop".
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"gen-1","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},"finish_reason":"stop"}]}""");

        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.Equal("""{"city":"Paris"}""", PartialJson(events, 0));
        Assert.Equal("""{"city":"Rome"}""", PartialJson(events, 1));
        Assert.Equal("tool_use", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void ToolCallWhoseNameComesLate_StartsWithTheArgumentsReceivedSoFar()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"arguments":"{\"a\":"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"1}"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-x","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""");

        // The fragments held back and the one that came with the name go out as one delta.
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.Equal("f", events[2].Data.GetProperty("content_block").GetProperty("name").GetString());
        Assert.Equal("""{"a":1}""", PartialJson(events, 0));
    }

    [Fact]
    public void ReasoningContent_BecomesAThinkingBlockBeforeTheTextBlock()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl-ds1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"finish_reason":null}]}""",
            """{"id":"chatcmpl-ds1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Compare 9.11"},"finish_reason":null}]}""",
            """{"id":"chatcmpl-ds1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" and 9.9."},"finish_reason":null}]}""",
            """{"id":"chatcmpl-ds1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"9.9 is larger.","reasoning_content":null},"finish_reason":null}]}""",
            """{"id":"chatcmpl-ds1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":15,"completion_tokens":40,"total_tokens":55,"prompt_tokens_details":{"cached_tokens":0}}}""");

        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""", events[2].Data.GetRawText());
        Assert.Equal("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Compare 9.11"}}""", events[3].Data.GetRawText());
        Assert.Equal(1, events[6].Data.GetProperty("index").GetInt32());
        Assert.Equal("9.9 is larger.", Text(events));
    }

    [Fact]
    public void DatabricksReasoningParts_BecomeThinkingAndSignatureDeltas()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl_9d1e","object":"chat.completion.chunk","model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"role":"assistant","content":[{"type":"reasoning","summary":[{"type":"summary_text","text":"The user asks why","signature":""}]}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl_9d1e","object":"chat.completion.chunk","model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":[{"type":"reasoning","summary":[{"type":"summary_text","text":" the sky is blue."}]}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl_9d1e","object":"chat.completion.chunk","model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":[{"type":"reasoning","summary":[{"signature":"ErUBCkYIBxgCIkB0sEl7","type":"summary_text","text":""}]}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl_9d1e","object":"chat.completion.chunk","model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":"Rayleigh scattering."},"finish_reason":null}]}""",
            """{"id":"chatcmpl_9d1e","object":"chat.completion.chunk","model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}]}""");

        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        var deltas = events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta")).ToList();
        Assert.Equal(["thinking_delta", "thinking_delta", "signature_delta", "text_delta"], deltas.Select(d => d.GetProperty("type").GetString()));
        Assert.Equal("The user asks why the sky is blue.", deltas[0].GetProperty("thinking").GetString() + deltas[1].GetProperty("thinking").GetString());
        Assert.Equal("ErUBCkYIBxgCIkB0sEl7", deltas[2].GetProperty("signature").GetString());
        Assert.Equal("Rayleigh scattering.", Text(events));
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    [InlineData("tool_calls", "tool_use")]
    public void FinishReason_BecomesStopReason(string finishReason, string stopReason)
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}""",
            $$"""{"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"{{finishReason}}"}]}""");

        Assert.Equal(stopReason, events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void NoFinishReason_EndsTheTurn()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream, """{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""");

        Assert.Equal("end_turn", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void Fail_MidStream_WritesAnErrorEventAndNothingAfterIt()
    {
        var stream = new AnthropicInboundStream(Model);
        var output = new ArrayBufferWriter<byte>();
        stream.OnChunk(Encoding.UTF8.GetBytes(TwoToolStream[0]), output);
        stream.OnChunk(Encoding.UTF8.GetBytes(TwoToolStream[1]), output);
        stream.OnChunk(Encoding.UTF8.GetBytes(TwoToolStream[2]), output);
        stream.OnChunk(Encoding.UTF8.GetBytes(TwoToolStream[3]), output);

        stream.Fail("overloaded_error", "Upstream provider 'databricks' closed the stream: connection reset.", output);
        stream.OnChunk(Encoding.UTF8.GetBytes(TwoToolStream[4]), output);
        stream.Complete(output);
        stream.Ping(output);

        var events = ParseFrames(output);
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start",
             "content_block_delta", "error"],
            events.Select(e => e.Name));
        Assert.Equal(
            """{"type":"error","error":{"type":"overloaded_error","message":"Upstream provider 'databricks' closed the stream: connection reset."}}""",
            events[^1].Data.GetRawText());
        Assert.True(stream.Failed);
        Assert.False(stream.Completed);
    }

    [Fact]
    public void Fail_BeforeAnyChunk_WritesOnlyTheErrorEvent()
    {
        var stream = new AnthropicInboundStream(Model);
        var output = new ArrayBufferWriter<byte>();

        stream.Fail("api_error", "Upstream timed out.", output);

        var frame = Assert.Single(ParseFrames(output));
        Assert.Equal("error", frame.Name);
        Assert.Equal("api_error", frame.Data.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public void ErrorChunk_MidStream_BecomesAnApiErrorEvent()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            TextStream[0],
            TextStream[1],
            """{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""",
            TextStream[2]);

        Assert.Equal(["message_start", "ping", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Name));
        Assert.Equal(
            """{"type":"error","error":{"type":"api_error","message":"The server had an error while processing your request. Sorry about that!"}}""",
            events[^1].Data.GetRawText());
        Assert.True(stream.Failed);
    }

    [Fact]
    public void ChunkThatIsNotJson_BecomesAnApiErrorEvent()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream, TextStream[0], "{\"choices\":[{\"delta\":{\"content\":\"cut", TextStream[1]);

        Assert.Equal(["message_start", "ping", "error"], events.Select(e => e.Name));
        Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public void Complete_IsIdempotent()
    {
        var stream = new AnthropicInboundStream(Model);
        var output = new ArrayBufferWriter<byte>();
        foreach (var chunk in TextStream)
        {
            stream.OnChunk(Encoding.UTF8.GetBytes(chunk), output);
        }

        stream.Complete(output);
        var length = output.WrittenCount;
        stream.Complete(output);
        stream.Fail("api_error", "late", output);
        stream.OnChunk(Encoding.UTF8.GetBytes(TextStream[1]), output);

        Assert.Equal(length, output.WrittenCount);
    }

    [Fact]
    public void Complete_WithoutAnyChunk_WritesAnEmptyMessage()
    {
        var stream = new AnthropicInboundStream(Model);
        var output = new ArrayBufferWriter<byte>();

        stream.Complete(output);

        var events = ParseFrames(output);
        Assert.Equal(["message_start", "message_delta", "message_stop"], events.Select(e => e.Name));
        Assert.StartsWith("msg_", events[0].Data.GetProperty("message").GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("end_turn", events[1].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void Ping_WritesAPingEvent()
    {
        var stream = new AnthropicInboundStream(Model);
        var output = new ArrayBufferWriter<byte>();

        stream.Ping(output);

        Assert.Equal("event: ping\ndata: {\"type\":\"ping\"}\n\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void EveryFrame_IsOneEventLineAndOneDataLine()
    {
        var stream = new AnthropicInboundStream(Model);
        var output = new ArrayBufferWriter<byte>();
        foreach (var chunk in TwoToolStream)
        {
            stream.OnChunk(Encoding.UTF8.GetBytes(chunk), output);
        }

        stream.Complete(output);

        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        var frames = text.Split("\n\n");
        Assert.Equal("", frames[^1]);
        Assert.All(frames[..^1], frame => Assert.Matches(FrameShape(), frame));
    }

    [Fact]
    public void AzureLeadingFilterChunk_DoesNotStartTheMessage()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}""",
            """{"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1745000600,"id":"chatcmpl-AzUr3","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}""",
            """{"choices":[{"content_filter_results":{},"delta":{"content":"Hi"},"finish_reason":"stop","index":0,"logprobs":null}],"created":1745000600,"id":"chatcmpl-AzUr3","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}""");

        Assert.Equal("msg_AzUr3", events[0].Data.GetProperty("message").GetProperty("id").GetString());
        Assert.Equal("Hi", Text(events));
    }

    [Fact]
    public void RefusalDelta_BecomesText()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl-r","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":null}]}""",
            """{"id":"chatcmpl-r","choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]}""");

        Assert.Equal("I can't help with that.", Text(events));
        Assert.Equal("refusal", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void ToolCallThatNeverGetsAName_IsStillClosedOnComplete()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl-n","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_n","function":{"arguments":"{}"}}]},"finish_reason":null}]}""");

        Assert.Equal(["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.Equal("", events[2].Data.GetProperty("content_block").GetProperty("name").GetString());
        Assert.Equal("tool_use", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void TextAfterToolCall_OpensANewTextBlock()
    {
        var stream = new AnthropicInboundStream(Model);

        var events = Run(stream,
            """{"id":"chatcmpl-t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-t","choices":[{"index":0,"delta":{"content":"Done."},"finish_reason":"tool_calls"}]}""");

        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.Equal("text", events[5].Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal(1, events[5].Data.GetProperty("index").GetInt32());
    }

    private static List<(string Name, JsonElement Data)> Run(AnthropicInboundStream stream, params string[] chunks)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var chunk in chunks)
        {
            stream.OnChunk(Encoding.UTF8.GetBytes(chunk), output);
        }

        stream.Complete(output);
        return ParseFrames(output);
    }

    /// <summary>Splits the output into frames, checking each is exactly <c>event: X\ndata: {json}\n\n</c> with type X.</summary>
    private static List<(string Name, JsonElement Data)> ParseFrames(ArrayBufferWriter<byte> output)
    {
        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        var events = new List<(string, JsonElement)>();
        foreach (var frame in text[..^2].Split("\n\n"))
        {
            var lines = frame.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            var name = lines[0]["event: ".Length..];
            using var document = JsonDocument.Parse(lines[1]["data: ".Length..]);
            var data = document.RootElement.Clone();
            Assert.Equal(name, data.GetProperty("type").GetString());
            events.Add((name, data));
        }

        return events;
    }

    private static string Text(List<(string Name, JsonElement Data)> events) => string.Concat(events
        .Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == "text_delta")
        .Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString()));

    /// <summary>The input_json_delta fragments of one content block, joined.</summary>
    private static string PartialJson(List<(string Name, JsonElement Data)> events, int index)
    {
        return string.Concat(events
            .Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("index").GetInt32() == index)
            .Select(e =>
            {
                var delta = e.Data.GetProperty("delta");
                Assert.Equal("input_json_delta", delta.GetProperty("type").GetString());
                return delta.GetProperty("partial_json").GetString();
            }));
    }

    [GeneratedRegex("^event: [a-z_]+\ndata: \\{[^\n]*\\}$")]
    private static partial Regex FrameShape();
}
