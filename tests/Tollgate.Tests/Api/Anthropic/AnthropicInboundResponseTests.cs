using System.Buffers;
using System.Text;
using System.Text.Json;
using Tollgate.Api.Anthropic;

namespace Tollgate.Tests.Api.Anthropic;

public sealed class AnthropicInboundResponseTests
{
    private const string Model = "claude-sonnet-4-5";

    [Fact]
    public void WriteMessage_TextAnswer_BecomesAnthropicMessage()
    {
        var message = Translate("""
            {"id":"chatcmpl-BQ3dR6mXJvPp5Xl8kTgYvLmNq","object":"chat.completion","created":1745000000,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! \"Quoted\"\nand café — 🚀","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
             "service_tier":"default","system_fingerprint":"fp_f5bdcc3276"}
            """);

        Assert.Equal(["id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"], message.EnumerateObject().Select(p => p.Name));
        Assert.Equal("msg_BQ3dR6mXJvPp5Xl8kTgYvLmNq", message.GetProperty("id").GetString());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(Model, message.GetProperty("model").GetString());
        var block = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        Assert.Equal("Hello! \"Quoted\"\nand café — 🚀", block.GetProperty("text").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        var usage = message.GetProperty("usage");
        Assert.Equal(19, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(10, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_creation_input_tokens").GetInt32());
    }

    [Theory]
    [InlineData("chatcmpl_7268e4ee-3b8e-461e-80dc-608e76f3801d", "msg_7268e4ee-3b8e-461e-80dc-608e76f3801d")]
    [InlineData("msg_01XFDUDYJgAACzvnptvVoYEL", "msg_01XFDUDYJgAACzvnptvVoYEL")]
    [InlineData("cmpl-a1b2c3", "msg_cmpl-a1b2c3")]
    public void WriteMessage_ChatId_BecomesMessageId(string chatId, string messageId)
    {
        var message = Translate($$"""{"id":"{{chatId}}","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]}""");

        Assert.Equal(messageId, message.GetProperty("id").GetString());
    }

    [Fact]
    public void WriteMessage_NoId_GetsAFreshMessageId()
    {
        var message = Translate("""{"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]}""");

        Assert.StartsWith("msg_", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.True(message.GetProperty("id").GetString()!.Length > 10);
    }

    [Fact]
    public void WriteMessage_ToolCalls_BecomeToolUseBlocksWithParsedInput()
    {
        var message = Translate("""
            {"id":"chatcmpl-BQ3eX8Ckd1tXgXSKd3oW6bYQG","object":"chat.completion","created":1745000100,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
               {"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"Paris, France\", \"unit\": \"celsius\"}"}},
               {"id":"call_8mJ2wV1qkN0YfX3zR7pLsT4u","type":"function","function":{"name":"get_time","arguments":"{\"timezone\":\"Europe/Paris\"}"}}
             ],"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":82,"completion_tokens":51,"total_tokens":133}}
            """);

        var blocks = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, b => Assert.Equal("tool_use", b.GetProperty("type").GetString()));
        Assert.Equal("call_DdmO9pD3xa9XTPNJ32zg2hcA", blocks[0].GetProperty("id").GetString());
        Assert.Equal("get_weather", blocks[0].GetProperty("name").GetString());
        Assert.Equal("Paris, France", blocks[0].GetProperty("input").GetProperty("location").GetString());
        Assert.Equal("celsius", blocks[0].GetProperty("input").GetProperty("unit").GetString());
        Assert.Equal("get_time", blocks[1].GetProperty("name").GetString());
        Assert.Equal("Europe/Paris", blocks[1].GetProperty("input").GetProperty("timezone").GetString());
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void WriteMessage_TextThenToolCall_KeepsTextFirst()
    {
        var message = Translate("""
            {"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}
            """);

        Assert.Equal(["text", "tool_use"], message.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("{\\\"location\\\": \\\"Par")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{} trailing")]
    public void WriteMessage_UnparsableArguments_BecomeEmptyInput(string arguments)
    {
        var message = Translate($$$"""
            {"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{{{arguments}}}"}}]},"finish_reason":"length"}]}
            """);

        var block = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.Equal("{}", block.GetProperty("input").GetRawText());
        Assert.Equal("max_tokens", message.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void WriteMessage_ToolCallWithoutId_GetsAToolUseId()
    {
        var message = Translate("""
            {"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}]}
            """);

        var block = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.StartsWith("toolu_", block.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, block.GetProperty("input").GetProperty("a").GetInt32());
    }

    [Theory]
    [InlineData("\"stop\"", false, "end_turn")]
    [InlineData("\"length\"", false, "max_tokens")]
    [InlineData("\"tool_calls\"", true, "tool_use")]
    [InlineData("\"function_call\"", true, "tool_use")]
    [InlineData("\"content_filter\"", false, "refusal")]
    [InlineData("null", false, "end_turn")]
    [InlineData("\"eos\"", false, "end_turn")]
    [InlineData("\"stop\"", true, "tool_use")]
    public void WriteMessage_FinishReason_BecomesStopReason(string finishReason, bool withToolCall, string stopReason)
    {
        var toolCalls = withToolCall ? ""","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]""" : "";
        var message = Translate($$"""
            {"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"x"{{toolCalls}}},"finish_reason":{{finishReason}}}]}
            """);

        Assert.Equal(stopReason, message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
    }

    [Fact]
    public void WriteMessage_UsageWithCachedTokens_SplitsInputAndCacheRead()
    {
        var message = Translate("""
            {"id":"chatcmpl-BQ4aK2","object":"chat.completion","created":1745000200,"model":"gpt-4.1-2025-04-14",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Done."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                      "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
                      "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """);

        var usage = message.GetProperty("usage");
        Assert.Equal(86, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(1920, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(300, usage.GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void WriteMessage_NoUsage_WritesZeros()
    {
        var usage = Translate("""{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]}""")
            .GetProperty("usage");

        Assert.Equal("""{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}""", usage.GetRawText());
    }

    [Fact]
    public void WriteMessage_ReasoningContent_BecomesLeadingThinkingBlock()
    {
        var message = Translate("""
            {"id":"chatcmpl-deepseek-1","object":"chat.completion","model":"deepseek-reasoner",
             "choices":[{"index":0,"message":{"role":"assistant","content":"9.11 is smaller.","reasoning_content":"Compare 9.11 and 9.9: 0.11 < 0.9."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":15,"completion_tokens":120,"total_tokens":135,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":100}}}
            """);

        var blocks = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["thinking", "text"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("Compare 9.11 and 9.9: 0.11 < 0.9.", blocks[0].GetProperty("thinking").GetString());
        Assert.Equal("", blocks[0].GetProperty("signature").GetString());
        Assert.Equal(120, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void WriteMessage_ReasoningField_BecomesThinkingBlock()
    {
        var message = Translate("""
            {"id":"gen-1745","choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning":"Think, think."},"finish_reason":"stop"}]}
            """);

        Assert.Equal("Think, think.", message.GetProperty("content")[0].GetProperty("thinking").GetString());
    }

    [Fact]
    public void WriteMessage_DatabricksReasoningParts_BecomeThinkingBlocksWithSignatures()
    {
        var message = Translate("""
            {"id":"chatcmpl_0f3a8c5e-6c1b-4a63-9f1e-2d7b8e3c4a10","object":"chat.completion","created":1745000300,"model":"databricks-claude-sonnet-4-5",
             "choices":[{"index":0,"message":{"role":"assistant","content":[
               {"type":"reasoning","summary":[{"type":"summary_text","text":"Rayleigh scattering favours short wavelengths.","signature":"ErUBCkYIBxgCIkB0sEl7"}]},
               {"type":"text","text":"The sky is blue because of Rayleigh scattering."}
             ]},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":14,"completion_tokens":180,"total_tokens":194}}
            """);

        var blocks = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["thinking", "text"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("Rayleigh scattering favours short wavelengths.", blocks[0].GetProperty("thinking").GetString());
        Assert.Equal("ErUBCkYIBxgCIkB0sEl7", blocks[0].GetProperty("signature").GetString());
        Assert.Equal("The sky is blue because of Rayleigh scattering.", blocks[1].GetProperty("text").GetString());
        Assert.Equal("msg_0f3a8c5e-6c1b-4a63-9f1e-2d7b8e3c4a10", message.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    public void WriteMessage_NullOrEmptyContent_WritesNoTextBlock(string content)
    {
        var message = Translate($$"""{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":{{content}}},"finish_reason":"length"}]}""");

        Assert.Empty(message.GetProperty("content").EnumerateArray());
    }

    [Fact]
    public void WriteMessage_Refusal_BecomesTextBlock()
    {
        var message = Translate("""
            {"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't help with that."},"finish_reason":"content_filter"}]}
            """);

        var block = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.Equal("I'm sorry, I can't help with that.", block.GetProperty("text").GetString());
        Assert.Equal("refusal", message.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void WriteMessage_BodyNotAnObject_Throws()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(output);

        Assert.ThrowsAny<JsonException>(() => AnthropicInboundResponse.WriteMessage("[]"u8, Model, writer));
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "billing_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(409, "invalid_request_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(422, "invalid_request_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "api_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(529, "overloaded_error")]
    public void WriteError_Status_MapsToAnthropicErrorType(int status, string type)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            AnthropicInboundResponse.WriteError(status, "Budget for key 'team-a' is exhausted; it resets at 00:00 UTC.", writer);
        }

        Assert.Equal(
            $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"Budget for key 'team-a' is exhausted; it resets at 00:00 UTC."}}""",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    private static JsonElement Translate(string chatCompletion)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            AnthropicInboundResponse.WriteMessage(Encoding.UTF8.GetBytes(chatCompletion), Model, writer);
        }

        using var document = JsonDocument.Parse(output.WrittenMemory);
        return document.RootElement.Clone();
    }
}
