using System.Buffers;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Responses;
using Tollgate.Api.Responses;
using Tollgate.Inference;
using Tollgate.Providers;

// The OpenAI .NET SDK marks its Responses types experimental; here they only check that what we write deserializes.
#pragma warning disable OPENAI001

namespace Tollgate.Tests.Api.Responses;

public sealed partial class ResponsesInboundStreamTests
{
    private const string Model = "databricks-claude-sonnet-4-5";
    private const string ResponseId = "resp_68af4030592c81938ec0a5fbab4a3e9f";
    private const string Request = """{"model":"databricks-claude-sonnet-4-5","input":"Hi","stream":true}""";

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

    // A text answer cut off by max_tokens.
    private static readonly string[] LengthStream =
    [
        """{"id":"chatcmpl-len","object":"chat.completion.chunk","created":1745000700,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Once upon a time,"},"finish_reason":null}]}""",
        """{"id":"chatcmpl-len","object":"chat.completion.chunk","created":1745000700,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" in a land far"},"finish_reason":"length"}]}""",
        """{"id":"chatcmpl-len","object":"chat.completion.chunk","created":1745000700,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":16,"total_tokens":28}}""",
    ];

    [Fact]
    public void StreamedTextAnswer_ProducesTheExactEventSequence()
    {
        var stream = NewStream();

        var events = Run(stream, TextStream);

        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));

        foreach (var start in events[..2])
        {
            var response = start.Data.GetProperty("response");
            Assert.Equal(ResponseId, response.GetProperty("id").GetString());
            Assert.Equal("response", response.GetProperty("object").GetString());
            Assert.Equal(1_760_000_000, response.GetProperty("created_at").GetInt64());
            Assert.Equal("in_progress", response.GetProperty("status").GetString());
            Assert.Equal(Model, response.GetProperty("model").GetString());
            Assert.Equal("[]", response.GetProperty("output").GetRawText());
            Assert.Equal(JsonValueKind.Null, response.GetProperty("usage").ValueKind);
        }

        var added = events[2].Data;
        var itemId = added.GetProperty("item").GetProperty("id").GetString()!;
        Assert.StartsWith("msg_", itemId, StringComparison.Ordinal);
        Assert.Equal(
            $$$"""{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"{{{itemId}}}","type":"message","status":"in_progress","content":[],"role":"assistant"}}""",
            added.GetRawText());
        Assert.Equal(
            $$$"""{"type":"response.content_part.added","sequence_number":3,"item_id":"{{{itemId}}}","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}}""",
            events[3].Data.GetRawText());
        Assert.Equal(
            $$$"""{"type":"response.output_text.delta","sequence_number":4,"item_id":"{{{itemId}}}","output_index":0,"content_index":0,"delta":"Hello","logprobs":[]}""",
            events[4].Data.GetRawText());

        const string Expected = "Hello! \"Quoted\"\nand café — done 🚀";
        Assert.Equal(Expected, Text(events));
        Assert.Equal(Expected, events[7].Data.GetProperty("text").GetString());
        Assert.Equal(Expected, events[8].Data.GetProperty("part").GetProperty("text").GetString());
        var done = events[9].Data.GetProperty("item");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(Expected, done.GetProperty("content")[0].GetProperty("text").GetString());

        var completed = events[10].Data.GetProperty("response");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, completed.GetProperty("incomplete_details").ValueKind);
        Assert.Equal(done.GetRawText(), Assert.Single(completed.GetProperty("output").EnumerateArray()).GetRawText());
        Assert.Equal(
            """{"input_tokens":2006,"input_tokens_details":{"cached_tokens":1920,"cache_write_tokens":0},"output_tokens":12,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2018}""",
            completed.GetProperty("usage").GetRawText());

        Assert.Equal(new TokenUsage(2006, 12, 1920), stream.Usage);
        Assert.Equal(Expected, stream.AssistantText);
        Assert.True(stream.Completed);
        Assert.False(stream.Failed);
    }

    [Fact]
    public void StreamedFunctionCalls_ProduceAnItemPerCallAndTheFragmentsReassemble()
    {
        var stream = NewStream("""{"model":"m","input":"Weather and time in SF?","stream":true,"tools":[{"type":"function","name":"get_weather"},{"type":"function","name":"get_time"}]}""");

        var events = Run(stream, TwoToolStream);

        Assert.Equal(
            ["response.created", "response.in_progress",
             "response.output_item.added", "response.content_part.added", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done",
             "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
             "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
             "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
             "response.function_call_arguments.done", "response.output_item.done",
             "response.completed"],
            events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal([0, 1, 2], events.Where(e => e.Type == "response.output_item.added").Select(e => e.Data.GetProperty("output_index").GetInt32()));

        var weather = events[8].Data.GetProperty("item");
        var weatherId = weather.GetProperty("id").GetString()!;
        Assert.StartsWith("fc_", weatherId, StringComparison.Ordinal);
        Assert.Equal(
            $$$"""{"id":"{{{weatherId}}}","type":"function_call","status":"in_progress","arguments":"","call_id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather"}""",
            weather.GetRawText());
        Assert.Equal(
            $$$"""{"type":"response.function_call_arguments.delta","sequence_number":9,"item_id":"{{{weatherId}}}","output_index":1,"delta":"{\"lo"}""",
            events[9].Data.GetRawText());

        Assert.Equal("Checking both.", Text(events));
        Assert.Equal("""{"location": "San Francisco, CA", "unit": "fahrenheit"}""", Arguments(events, 1));
        Assert.Equal("""{"tz":"America/Los_Angeles"}""", Arguments(events, 2));

        var argumentsDone = events[12].Data;
        Assert.Equal(weatherId, argumentsDone.GetProperty("item_id").GetString());
        Assert.Equal("get_weather", argumentsDone.GetProperty("name").GetString());
        Assert.Equal(Arguments(events, 1), argumentsDone.GetProperty("arguments").GetString());

        var time = events[18].Data.GetProperty("item");
        Assert.Equal("completed", time.GetProperty("status").GetString());
        Assert.Equal("call_8mJ2wV1qkN0YfX3zR7pLsT4u", time.GetProperty("call_id").GetString());
        Assert.Equal("get_time", time.GetProperty("name").GetString());
        Assert.Equal("""{"tz":"America/Los_Angeles"}""", time.GetProperty("arguments").GetString());

        var completed = events[^1].Data.GetProperty("response");
        var output = completed.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["message", "function_call", "function_call"], output.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal(events[13].Data.GetProperty("item").GetRawText(), output[1].GetRawText());
        Assert.Equal(time.GetRawText(), output[2].GetRawText());
        Assert.Equal(184, completed.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(2, completed.GetProperty("tools").GetArrayLength());
    }

    [Fact]
    public void StreamedEvents_AccumulateToTheFinalResponseTheWayTheNodeSdkDoes()
    {
        foreach (var chunks in new[] { TextStream, TwoToolStream, LengthStream })
        {
            var events = Run(NewStream(), chunks);

            var accumulated = Accumulate(events);

            var final = JsonNode.Parse(events[^1].Data.GetProperty("response").GetProperty("output").GetRawText());
            Assert.True(JsonNode.DeepEquals(final, accumulated["output"]), accumulated["output"]!.ToJsonString());
        }
    }

    [Fact]
    public void StreamedEvents_ReadWithTheOpenAIDotNetSdk()
    {
        var events = Run(NewStream(), TwoToolStream);

        var updates = events.Select(e => ModelReaderWriter.Read<StreamingResponseUpdate>(BinaryData.FromString(e.Data.GetRawText()))!).ToList();

        Assert.Equal(Enumerable.Range(0, events.Count), updates.Select(u => u.SequenceNumber));
        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.Equal("Checking both.", string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        Assert.Equal(3, updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().Count(u => u.OutputIndex == 1));
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]);
        Assert.Equal(ResponseId, completed.Response.Id);
        Assert.Equal("Checking both.", completed.Response.GetOutputText());
        Assert.Equal(["call_DdmO9pD3xa9XTPNJ32zg2hcA", "call_8mJ2wV1qkN0YfX3zR7pLsT4u"],
            completed.Response.OutputItems.OfType<FunctionCallResponseItem>().Select(c => c.CallId));
        Assert.Equal(64, completed.Response.Usage.OutputTokenCount);
    }

    [Fact]
    public void IncompleteAndFailedEvents_ReadWithTheOpenAIDotNetSdk()
    {
        var incomplete = Run(NewStream(), LengthStream);
        var failedStream = NewStream();
        var output = new ArrayBufferWriter<byte>();
        failedStream.OnChunk(Encoding.UTF8.GetBytes(TextStream[1]), output);
        failedStream.Fail("server_error", "Upstream closed the connection.", output);
        var failed = ParseFrames(output);

        var last = ModelReaderWriter.Read<StreamingResponseUpdate>(BinaryData.FromString(incomplete[^1].Data.GetRawText()));
        var error = ModelReaderWriter.Read<StreamingResponseUpdate>(BinaryData.FromString(failed[^2].Data.GetRawText()));
        var end = ModelReaderWriter.Read<StreamingResponseUpdate>(BinaryData.FromString(failed[^1].Data.GetRawText()));

        Assert.Equal("Once upon a time, in a land far", Assert.IsType<StreamingResponseIncompleteUpdate>(last).Response.GetOutputText());
        Assert.Equal("Upstream closed the connection.", Assert.IsType<StreamingResponseErrorUpdate>(error).Message);
        Assert.Equal("Upstream closed the connection.", Assert.IsType<StreamingResponseFailedUpdate>(end).Response.Error.Message);
    }

    [Fact]
    public void FinishReasonLength_EndsWithResponseIncomplete()
    {
        var stream = NewStream();

        var events = Run(stream, LengthStream);

        Assert.Equal("response.incomplete", events[^1].Type);
        Assert.DoesNotContain(events, e => e.Type == "response.completed");
        Assert.Equal("incomplete", events[^2].Data.GetProperty("item").GetProperty("status").GetString());
        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("""{"reason":"max_output_tokens"}""", response.GetProperty("incomplete_details").GetRawText());
        Assert.Equal("Once upon a time, in a land far", response.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(16, response.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(stream.Completed);
    }

    [Fact]
    public void Fail_MidStream_WritesErrorThenResponseFailedWithTheOutputSoFar()
    {
        var stream = NewStream();
        var output = new ArrayBufferWriter<byte>();
        stream.OnChunk(Encoding.UTF8.GetBytes(TextStream[1]), output);

        stream.Fail("rate_limit_exceeded", "The upstream is rate limited; retry in 20 seconds.", output);
        stream.Complete(output);
        stream.OnChunk(Encoding.UTF8.GetBytes(TextStream[2]), output);

        var events = ParseFrames(output);
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "error", "response.failed"],
            events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal(
            """{"type":"error","sequence_number":5,"code":"rate_limit_exceeded","message":"The upstream is rate limited; retry in 20 seconds.","param":null}""",
            events[5].Data.GetRawText());

        var response = events[6].Data.GetProperty("response");
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal("""{"code":"rate_limit_exceeded","message":"The upstream is rate limited; retry in 20 seconds."}""", response.GetProperty("error").GetRawText());
        var item = Assert.Single(response.GetProperty("output").EnumerateArray());
        Assert.Equal("incomplete", item.GetProperty("status").GetString());
        Assert.Equal("Hello", item.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.True(stream.Failed);
        Assert.False(stream.Completed);
    }

    [Fact]
    public void Fail_BeforeAnyChunk_StillStartsTheResponse()
    {
        // SDKs reject a stream whose first event is not response.created.
        var stream = NewStream();
        var output = new ArrayBufferWriter<byte>();

        stream.Fail("server_error", "Upstream timed out.", output);

        var events = ParseFrames(output);
        Assert.Equal(["response.created", "response.in_progress", "error", "response.failed"], events.Select(e => e.Type));
        Assert.Equal("[]", events[^1].Data.GetProperty("response").GetProperty("output").GetRawText());
    }

    [Fact]
    public void ErrorChunk_FailsTheStreamWithItsMessage()
    {
        var stream = NewStream();

        var events = Run(stream,
            TextStream[1],
            """{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""");

        Assert.Equal(["error", "response.failed"], events[^2..].Select(e => e.Type));
        Assert.Equal("server_error", events[^2].Data.GetProperty("code").GetString());
        Assert.Equal("The server had an error while processing your request.", events[^2].Data.GetProperty("message").GetString());
        Assert.True(stream.Failed);
    }

    [Fact]
    public void MalformedChunk_FailsTheStream()
    {
        var events = Run(NewStream(), """{"id":"chatcmpl-x","choices":[{"delta":{"content":"Hi""");

        Assert.Equal("response.failed", events[^1].Type);
    }

    [Fact]
    public void EmptyStream_CompletesWithEmptyOutput()
    {
        var stream = NewStream();

        var events = Run(stream);

        Assert.Equal(["response.created", "response.in_progress", "response.completed"], events.Select(e => e.Type));
        Assert.Equal("[]", events[^1].Data.GetProperty("response").GetProperty("output").GetRawText());
        Assert.Null(stream.AssistantText);
    }

    [Fact]
    public void ArgumentsBeforeTheName_GoOutAsOneDeltaOnceTheItemIsAdded()
    {
        var events = Run(NewStream(),
            """{"id":"chatcmpl-a","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","function":{"arguments":"{\"q\":"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-a","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"search","arguments":"\"unicorns\"}"}}]},"finish_reason":"tool_calls"}]}""");

        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.function_call_arguments.delta",
             "response.function_call_arguments.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Type));
        Assert.Equal("search", events[2].Data.GetProperty("item").GetProperty("name").GetString());
        Assert.Equal("""{"q":"unicorns"}""", events[3].Data.GetProperty("delta").GetString());
    }

    [Fact]
    public void ToolCallThatNeverGetsAName_IsStillAddedOnComplete()
    {
        var events = Run(NewStream(),
            """{"id":"chatcmpl-n","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":null}]}""");

        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.function_call_arguments.delta",
             "response.function_call_arguments.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Type));
        var item = events[^2].Data.GetProperty("item");
        Assert.Equal("", item.GetProperty("name").GetString());
        Assert.StartsWith("call_", item.GetProperty("call_id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FragmentForAClosedCall_GoesToThatCallsItem()
    {
        // An upstream interleaving two calls: the late fragment still reaches the first call's item.
        var events = Run(NewStream(),
            """{"id":"chatcmpl-i","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"a","arguments":"{\"x\":"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-i","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","function":{"name":"b","arguments":"{}"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-i","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":"tool_calls"}]}""");

        Assert.Equal("{\"x\":1}", Arguments(events, 0));
        var output = events[^1].Data.GetProperty("response").GetProperty("output");
        Assert.Equal("{\"x\":1}", output[0].GetProperty("arguments").GetString());
        Assert.Equal("{}", output[1].GetProperty("arguments").GetString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(output.GetRawText()), Accumulate(events)["output"]));
    }

    [Fact]
    public void TextAfterAToolCall_OpensANewMessageItem()
    {
        var events = Run(NewStream(),
            """{"id":"chatcmpl-t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-t","choices":[{"index":0,"delta":{"content":"Done."},"finish_reason":"tool_calls"}]}""");

        var added = events.Where(e => e.Type == "response.output_item.added").Select(e => e.Data.GetProperty("item").GetProperty("type").GetString());
        Assert.Equal(["function_call", "message"], added);
        Assert.Equal(1, events.First(e => e.Type == "response.output_text.delta").Data.GetProperty("output_index").GetInt32());
    }

    [Fact]
    public void DatabricksStream_TakesTheLatestUsageAndDropsReasoning()
    {
        // Databricks sends running usage on every chunk, and Claude's reasoning as content parts.
        var stream = NewStream();

        var events = Run(stream,
            """{"id":"chatcmpl_7268e4ee","object":"chat.completion.chunk","created":1745000800,"model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"role":"assistant","content":[{"type":"reasoning","summary":[{"type":"summary_text","text":"Greeting."}]}]},"finish_reason":null}],"usage":{"prompt_tokens":40,"completion_tokens":5,"total_tokens":45}}""",
            """{"id":"chatcmpl_7268e4ee","object":"chat.completion.chunk","created":1745000800,"model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":"Hello!"},"finish_reason":null}],"usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49}}""",
            """{"id":"chatcmpl_7268e4ee","object":"chat.completion.chunk","created":1745000800,"model":"databricks-claude-sonnet-4-5","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":11,"total_tokens":51}}""");

        Assert.Equal("Hello!", Text(events));
        Assert.DoesNotContain("Greeting.", string.Concat(events.Select(e => e.Data.GetRawText())), StringComparison.Ordinal);
        Assert.Equal(11, events[^1].Data.GetProperty("response").GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(new TokenUsage(40, 11), stream.Usage);
    }

    [Fact]
    public void KeepAlive_BeforeTheFirstChunk_StartsTheResponse()
    {
        var stream = NewStream();
        var output = new ArrayBufferWriter<byte>();

        stream.KeepAlive(output);
        stream.OnChunk(Encoding.UTF8.GetBytes(TextStream[1]), output);
        stream.Complete(output);

        var events = ParseFrames(output);
        Assert.Equal(["response.created", "response.in_progress", "keepalive", "response.output_item.added"], events[..4].Select(e => e.Type));
        Assert.Equal("""{"type":"keepalive","sequence_number":2}""", events[2].Data.GetRawText());
    }

    [Fact]
    public void EveryFrame_IsEventThenDataOnOneLine()
    {
        var output = new ArrayBufferWriter<byte>();
        var stream = NewStream();
        foreach (var chunk in TwoToolStream)
        {
            stream.OnChunk(Encoding.UTF8.GetBytes(chunk), output);
        }

        stream.Complete(output);

        var frames = Encoding.UTF8.GetString(output.WrittenSpan).Split("\n\n");
        Assert.Equal("", frames[^1]);
        Assert.All(frames[..^1], frame => Assert.Matches(FrameShape(), frame));
    }

    [Fact]
    public void ConversationAfter_HoldsTheStreamedAnswerWithTheCallIdsTheClientSaw()
    {
        var stream = NewStream();
        Run(stream, TwoToolStream);

        var conversation = stream.ConversationAfter("""{"model":"m","messages":[{"role":"user","content":"Weather and time in SF?"}],"stream":true}""");

        Assert.Equal(
            """[{"role":"user","content":"Weather and time in SF?"},{"role":"assistant","content":"Checking both.","tool_calls":[{"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}"}},{"id":"call_8mJ2wV1qkN0YfX3zR7pLsT4u","type":"function","function":{"name":"get_time","arguments":"{\"tz\":\"America/Los_Angeles\"}"}}]}]""",
            conversation);
    }

    [Fact]
    public void Request_CanBeDisposedWhileTheStreamRuns()
    {
        ResponsesInboundStream stream;
        using (var request = JsonDocument.Parse("""{"model":"m","input":"Hi","instructions":"Be terse.","temperature":0.5}"""))
        {
            stream = new ResponsesInboundStream(ResponseId, Model, request.RootElement);
        }

        var events = Run(stream, TextStream);

        Assert.Equal("Be terse.", events[^1].Data.GetProperty("response").GetProperty("instructions").GetString());
        Assert.Equal("0.5", events[^1].Data.GetProperty("response").GetProperty("temperature").GetRawText());
    }

    private static ResponsesInboundStream NewStream(string request = Request)
    {
        using var document = JsonDocument.Parse(request);
        return new ResponsesInboundStream(ResponseId, Model, document.RootElement, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_760_000_000)));
    }

    private static List<(string Type, JsonElement Data)> Run(ResponsesInboundStream stream, params string[] chunks)
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
    private static List<(string Type, JsonElement Data)> ParseFrames(ArrayBufferWriter<byte> output)
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
            var type = lines[0]["event: ".Length..];
            using var document = JsonDocument.Parse(lines[1]["data: ".Length..]);
            var data = document.RootElement.Clone();
            Assert.Equal(type, data.GetProperty("type").GetString());
            events.Add((type, data));
        }

        return events;
    }

    private static string Text(List<(string Type, JsonElement Data)> events) => string.Concat(events
        .Where(e => e.Type == "response.output_text.delta")
        .Select(e => e.Data.GetProperty("delta").GetString()));

    /// <summary>The function_call_arguments.delta fragments of one output item, joined.</summary>
    private static string Arguments(List<(string Type, JsonElement Data)> events, int outputIndex) => string.Concat(events
        .Where(e => e.Type == "response.function_call_arguments.delta" && e.Data.GetProperty("output_index").GetInt32() == outputIndex)
        .Select(e => e.Data.GetProperty("delta").GetString()));

    /// <summary>
    /// Applies the events to a snapshot the way the openai npm SDK's accumulateResponse does (lib/responses/
    /// ResponseAccumulator.ts): items are placed by output_index in the order they were added, deltas appended to
    /// them, done events replace them. A wrong index or a missing response.created fails here as it fails there.
    /// </summary>
    private static JsonObject Accumulate(List<(string Type, JsonElement Data)> events)
    {
        Assert.Equal("response.created", events[0].Type);
        JsonObject? snapshot = null;
        foreach (var (type, data) in events)
        {
            var node = JsonNode.Parse(data.GetRawText())!.AsObject();
            if (type.StartsWith("response.", StringComparison.Ordinal) && node["response"] is JsonObject response)
            {
                if (type is "response.created" or "response.in_progress")
                {
                    snapshot = (JsonObject)response.DeepClone();
                }

                continue;
            }

            Assert.NotNull(snapshot);
            var output = snapshot["output"]!.AsArray();
            switch (type)
            {
                case "response.output_item.added":
                    Assert.Equal(output.Count, (int)node["output_index"]!);
                    output.Add(node["item"]!.DeepClone());
                    break;
                case "response.output_item.done":
                    output[(int)node["output_index"]!] = node["item"]!.DeepClone();
                    break;
                case "response.content_part.added":
                    output[(int)node["output_index"]!]!["content"]!.AsArray().Add(node["part"]!.DeepClone());
                    break;
                case "response.content_part.done":
                    output[(int)node["output_index"]!]!["content"]![(int)node["content_index"]!] = node["part"]!.DeepClone();
                    break;
                case "response.output_text.delta":
                    var part = output[(int)node["output_index"]!]!["content"]![(int)node["content_index"]!]!;
                    part["text"] = (string)part["text"]! + (string)node["delta"]!;
                    break;
                case "response.output_text.done":
                    output[(int)node["output_index"]!]!["content"]![(int)node["content_index"]!]!["text"] = (string)node["text"]!;
                    break;
                case "response.function_call_arguments.delta":
                    var call = output[(int)node["output_index"]!]!;
                    call["arguments"] = (string)call["arguments"]! + (string)node["delta"]!;
                    break;
                case "response.function_call_arguments.done":
                    output[(int)node["output_index"]!]!["arguments"] = (string)node["arguments"]!;
                    break;
                default:
                    Assert.Fail($"Unexpected event {type}");
                    break;
            }
        }

        return snapshot!;
    }

    [GeneratedRegex("^event: [a-z_.]+\ndata: \\{[^\n]*\\}$")]
    private static partial Regex FrameShape();
}
