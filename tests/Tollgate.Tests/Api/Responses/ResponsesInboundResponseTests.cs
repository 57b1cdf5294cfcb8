using System.Buffers;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using OpenAI.Responses;
using Tollgate.Api.Responses;

// The OpenAI .NET SDK marks its Responses types experimental; here they only check that what we write deserializes.
#pragma warning disable OPENAI001

namespace Tollgate.Tests.Api.Responses;

public sealed class ResponsesInboundResponseTests
{
    private const string Model = "databricks-claude-sonnet-4-5";
    private const string ResponseId = "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b";

    private const string TextCompletion = """
        {"id":"chatcmpl-BQ3dR6mXJvPp5Xl8kTgYvLmNq","object":"chat.completion","created":1745000000,"model":"gpt-4o-2024-08-06",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! \"Quoted\"\nand café — 🚀","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":2006,"completion_tokens":10,"total_tokens":2016,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
         "service_tier":"default","system_fingerprint":"fp_f5bdcc3276"}
        """;

    private const string ToolCompletion = """
        {"id":"chatcmpl-BQ6tT1","object":"chat.completion","created":1745000500,"model":"gpt-4o-2024-08-06",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Checking both.","tool_calls":[
           {"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris, France\"}"}},
           {"id":"call_8mJ2wV1qkN0YfX3zR7pLsT4u","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Bogotá, Colombia\"}"}}],
           "refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":120,"completion_tokens":64,"total_tokens":184}}
        """;

    [Fact]
    public void WriteResponse_TextAnswer_BecomesResponseObject()
    {
        var response = Translate(TextCompletion, """{"model":"databricks-claude-sonnet-4-5","input":"Hi"}""");

        Assert.Equal(
            ["id", "object", "created_at", "status", "background", "error", "incomplete_details", "instructions", "max_output_tokens", "model", "output",
             "parallel_tool_calls", "previous_response_id", "reasoning", "store", "temperature", "text", "tool_choice", "tools", "top_p", "truncation",
             "usage", "user", "metadata"],
            response.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ResponseId, response.GetProperty("id").GetString());
        Assert.Equal("response", response.GetProperty("object").GetString());
        Assert.Equal(1745000000, response.GetProperty("created_at").GetInt64());
        Assert.Equal("completed", response.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, response.GetProperty("incomplete_details").ValueKind);
        Assert.Equal(Model, response.GetProperty("model").GetString());

        var item = Assert.Single(response.GetProperty("output").EnumerateArray());
        Assert.Equal(["id", "type", "status", "content", "role"], item.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("msg_", item.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.Equal("completed", item.GetProperty("status").GetString());
        Assert.Equal("assistant", item.GetProperty("role").GetString());
        var part = Assert.Single(item.GetProperty("content").EnumerateArray());
        Assert.Equal("""{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello! \"Quoted\"\nand café — 🚀"}""", part.GetRawText());

        Assert.Equal(
            """{"input_tokens":2006,"input_tokens_details":{"cached_tokens":1920,"cache_write_tokens":0},"output_tokens":10,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2016}""",
            response.GetProperty("usage").GetRawText());
    }

    [Fact]
    public void WriteResponse_NoRequestParameters_EchoesOpenAIsDefaults()
    {
        var response = Translate(TextCompletion, """{"model":"m","input":"Hi"}""");

        Assert.Equal(JsonValueKind.Null, response.GetProperty("instructions").ValueKind);
        Assert.Equal(JsonValueKind.Null, response.GetProperty("max_output_tokens").ValueKind);
        Assert.True(response.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("previous_response_id").ValueKind);
        Assert.Equal("""{"effort":null,"summary":null}""", response.GetProperty("reasoning").GetRawText());
        Assert.True(response.GetProperty("store").GetBoolean());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("temperature").ValueKind);
        Assert.Equal("""{"format":{"type":"text"}}""", response.GetProperty("text").GetRawText());
        Assert.Equal("auto", response.GetProperty("tool_choice").GetString());
        Assert.Equal("[]", response.GetProperty("tools").GetRawText());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("top_p").ValueKind);
        Assert.Equal("disabled", response.GetProperty("truncation").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("user").ValueKind);
        Assert.Equal("{}", response.GetProperty("metadata").GetRawText());
    }

    [Fact]
    public void WriteResponse_RequestParameters_AreEchoed()
    {
        const string Tools = """[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]},"strict":true}]""";
        var response = Translate(TextCompletion, """
            {"model":"m","input":"Hi","instructions":"Be terse.","max_output_tokens":256,"parallel_tool_calls":false,
             "previous_response_id":"resp_prev","reasoning":{"effort":"low"},"store":false,"temperature":0.3,"top_p":0.8,
             "text":{"format":{"type":"json_object"}},"tool_choice":{"type":"function","name":"get_weather"},
             "truncation":"auto","user":"u-1","metadata":{"k":"v"},"tools":
            """ + Tools + "}");

        Assert.Equal("Be terse.", response.GetProperty("instructions").GetString());
        Assert.Equal(256, response.GetProperty("max_output_tokens").GetInt32());
        Assert.False(response.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("resp_prev", response.GetProperty("previous_response_id").GetString());
        Assert.Equal("""{"effort":"low"}""", response.GetProperty("reasoning").GetRawText());
        Assert.False(response.GetProperty("store").GetBoolean());
        Assert.Equal("0.3", response.GetProperty("temperature").GetRawText());
        Assert.Equal("0.8", response.GetProperty("top_p").GetRawText());
        Assert.Equal("""{"format":{"type":"json_object"}}""", response.GetProperty("text").GetRawText());
        Assert.Equal("""{"type":"function","name":"get_weather"}""", response.GetProperty("tool_choice").GetRawText());
        Assert.Equal(Tools, response.GetProperty("tools").GetRawText());
        Assert.Equal("auto", response.GetProperty("truncation").GetString());
        Assert.Equal("u-1", response.GetProperty("user").GetString());
        Assert.Equal("""{"k":"v"}""", response.GetProperty("metadata").GetRawText());
    }

    [Fact]
    public void WriteResponse_ToolCalls_BecomeFunctionCallItemsAfterTheMessage()
    {
        var output = Translate(ToolCompletion).GetProperty("output").EnumerateArray().ToList();

        Assert.Equal(["message", "function_call", "function_call"], output.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("Checking both.", output[0].GetProperty("content")[0].GetProperty("text").GetString());

        var call = output[1];
        Assert.Equal(["id", "type", "status", "arguments", "call_id", "name"], call.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("fc_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", call.GetProperty("status").GetString());
        Assert.Equal("call_DdmO9pD3xa9XTPNJ32zg2hcA", call.GetProperty("call_id").GetString());
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("""{"location":"Paris, France"}""", call.GetProperty("arguments").GetString());
        Assert.Equal("""{"location":"Bogotá, Colombia"}""", output[2].GetProperty("arguments").GetString());
        Assert.NotEqual(output[1].GetProperty("id").GetString(), output[2].GetProperty("id").GetString());
    }

    [Fact]
    public void WriteResponse_ToolCallsOnly_HaveNoMessageItem()
    {
        // vLLM's hermes parser: content null, arguments as an object rather than a string, no id.
        var output = Translate("""
            {"id":"chatcmpl-vllm-7f3a","object":"chat.completion","created":1745000600,"model":"Qwen/Qwen2.5-7B-Instruct",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"type":"function","function":{"name":"get_weather","arguments":{"location":"Paris"}}}]},"finish_reason":"tool_calls"}]}
            """).GetProperty("output").EnumerateArray().ToList();

        var call = Assert.Single(output);
        Assert.Equal("function_call", call.GetProperty("type").GetString());
        Assert.Equal("""{"location":"Paris"}""", call.GetProperty("arguments").GetString());
        Assert.Equal("call_chatcmpl-vllm-7f3a_0", call.GetProperty("call_id").GetString());
    }

    [Fact]
    public void WriteResponse_FinishReasonLength_IsIncompleteWithTheLastItemIncomplete()
    {
        var response = Translate("""
            {"id":"chatcmpl-len","object":"chat.completion","created":1745000700,"model":"gpt-4o",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Once upon a time, in a land far"},"finish_reason":"length"}],
             "usage":{"prompt_tokens":12,"completion_tokens":16,"total_tokens":28}}
            """);

        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("""{"reason":"max_output_tokens"}""", response.GetProperty("incomplete_details").GetRawText());
        var item = Assert.Single(response.GetProperty("output").EnumerateArray());
        Assert.Equal("incomplete", item.GetProperty("status").GetString());
        Assert.Equal("Once upon a time, in a land far", item.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void WriteResponse_FinishReasonLengthDuringACall_MarksOnlyTheCallIncomplete()
    {
        var output = Translate("""
            {"id":"chatcmpl-len2","choices":[{"index":0,"message":{"role":"assistant","content":"Let me look.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"search","arguments":"{\"query\":\"unic"}}]},"finish_reason":"length"}]}
            """).GetProperty("output").EnumerateArray().ToList();

        Assert.Equal(["completed", "incomplete"], output.Select(i => i.GetProperty("status").GetString()));
    }

    [Fact]
    public void WriteResponse_ContentFilter_IsIncompleteForThatReason()
    {
        var response = Translate("""{"id":"chatcmpl-cf","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}]}""");

        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("content_filter", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
    }

    [Fact]
    public void WriteResponse_Refusal_BecomesTheText()
    {
        var output = Translate("""
            {"id":"chatcmpl-ref","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't help with that."},"finish_reason":"stop"}]}
            """).GetProperty("output");

        Assert.Equal("I'm sorry, I can't help with that.", output[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void WriteResponse_DatabricksContentParts_JoinTextAndDropReasoning()
    {
        // Databricks answers Claude with reasoning as content parts.
        var response = Translate("""
            {"id":"chatcmpl_7268e4ee-3b8e-461e-80dc-608e76f3801d","object":"chat.completion","created":1745000800,"model":"databricks-claude-sonnet-4-5",
             "choices":[{"index":0,"message":{"role":"assistant","content":[
               {"type":"reasoning","summary":[{"type":"summary_text","text":"The user greets me.","signature":"EqQBCgIYAhIM"}]},
               {"type":"text","text":"Hello"},{"type":"text","text":" there!"}]},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":40,"completion_tokens":30,"total_tokens":70,"completion_tokens_details":{"reasoning_tokens":22}}}
            """);

        var item = Assert.Single(response.GetProperty("output").EnumerateArray());
        Assert.Equal("Hello there!", item.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(22, response.GetProperty("usage").GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public void WriteResponse_EmptyAnswer_StillHasAnEmptyMessage()
    {
        var output = Translate("""{"id":"chatcmpl-e","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}""")
            .GetProperty("output");

        Assert.Equal("", Assert.Single(output.EnumerateArray()).GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void WriteResponse_NoCreated_UsesTheClock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_760_000_000));
        var response = Translate("""{"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]}""", "{}", clock);

        Assert.Equal(1_760_000_000, response.GetProperty("created_at").GetInt64());
    }

    [Fact]
    public void WriteResponse_NotAnObject_Throws()
    {
        var writer = new Utf8JsonWriter(new ArrayBufferWriter<byte>());
        using var request = JsonDocument.Parse("{}");

        Assert.ThrowsAny<JsonException>(() => ResponsesInboundResponse.WriteResponse("[]"u8, ResponseId, Model, request.RootElement, writer));
        writer.Dispose();
    }

    [Fact]
    public void WriteResponse_ReadsWithTheOpenAIDotNetSdk()
    {
        var json = TranslateToString(ToolCompletion, """{"model":"m","input":"Hi","tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{}}}]}""");

        var response = ModelReaderWriter.Read<ResponseResult>(BinaryData.FromString(json))!;

        Assert.Equal(ResponseId, response.Id);
        Assert.Equal("Checking both.", response.GetOutputText());
        var calls = response.OutputItems.OfType<FunctionCallResponseItem>().ToList();
        Assert.Equal(["call_DdmO9pD3xa9XTPNJ32zg2hcA", "call_8mJ2wV1qkN0YfX3zR7pLsT4u"], calls.Select(c => c.CallId));
        Assert.Equal("""{"location":"Paris, France"}""", calls[0].FunctionArguments.ToString());
        Assert.Equal(120, response.Usage.InputTokenCount);
        Assert.Equal(64, response.Usage.OutputTokenCount);
        Assert.Equal(184, response.Usage.TotalTokenCount);
    }

    [Fact]
    public void ConversationAfter_AppendsTheAnswerToTheChatRequestsMessages()
    {
        const string ChatRequest = """
            {"model":"m","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Weather in Paris and Bogotá?"}],"tools":[]}
            """;

        var conversation = ResponsesInboundResponse.ConversationAfter(ChatRequest, Encoding.UTF8.GetBytes(ToolCompletion));

        Assert.Equal(
            """[{"role":"system","content":"Be terse."},{"role":"user","content":"Weather in Paris and Bogotá?"},{"role":"assistant","content":"Checking both.","tool_calls":[{"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris, France\"}"}},{"id":"call_8mJ2wV1qkN0YfX3zR7pLsT4u","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Bogotá, Colombia\"}"}}]}]""",
            conversation);
    }

    [Fact]
    public void ConversationAfter_TextAnswer_HasNoToolCalls()
    {
        var conversation = ResponsesInboundResponse.ConversationAfter("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8.GetBytes(TextCompletion));

        Assert.Equal("""[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! \"Quoted\"\nand café — 🚀"}]""", conversation);
    }

    [Fact]
    public void ConversationAfter_CallWithoutId_UsesTheCallIdTheResponseShowed()
    {
        const string Completion = """{"id":"chatcmpl-x","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""";

        var callId = Translate(Completion).GetProperty("output")[0].GetProperty("call_id").GetString();
        using var conversation = JsonDocument.Parse(ResponsesInboundResponse.ConversationAfter("""{"messages":[]}""", Encoding.UTF8.GetBytes(Completion)));

        Assert.Equal(callId, conversation.RootElement[0].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, conversation.RootElement[0].GetProperty("content").ValueKind);
    }

    [Fact]
    public void ConversationAfter_RoundTripsThroughPreviousResponseId()
    {
        // Turn 1: the model calls a tool. Turn 2: the client answers it by previous_response_id alone.
        using var first = JsonDocument.Parse("""{"model":"m","instructions":"Be terse.","input":"Weather in Paris and Bogotá?"}""");
        var chatRequest = WriteChatRequest(first.RootElement, null);
        var stored = ResponsesInboundResponse.ConversationAfter(chatRequest, Encoding.UTF8.GetBytes(ToolCompletion));

        using var second = JsonDocument.Parse("""
            {"model":"m","instructions":"Be terse.","previous_response_id":"resp_1","input":[
              {"type":"function_call_output","call_id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","output":"14°C"},
              {"type":"function_call_output","call_id":"call_8mJ2wV1qkN0YfX3zR7pLsT4u","output":"18°C"}]}
            """);
        using var next = JsonDocument.Parse(WriteChatRequest(second.RootElement, stored));

        var messages = next.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "assistant", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(
            messages[2].GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("id").GetString()),
            messages[3..].Select(m => m.GetProperty("tool_call_id").GetString()));
    }

    private static string WriteChatRequest(JsonElement request, string? previous)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            Assert.Null(ResponsesInboundRequest.WriteChatRequest(request, previous, writer, out _));
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static JsonElement Translate(string completion, string request = """{"model":"m","input":"Hi"}""", TimeProvider? timeProvider = null)
    {
        using var document = JsonDocument.Parse(TranslateToString(completion, request, timeProvider));
        return document.RootElement.Clone();
    }

    private static string TranslateToString(string completion, string request, TimeProvider? timeProvider = null)
    {
        using var requestDocument = JsonDocument.Parse(request);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            ResponsesInboundResponse.WriteResponse(Encoding.UTF8.GetBytes(completion), ResponseId, Model, requestDocument.RootElement, writer, timeProvider);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
