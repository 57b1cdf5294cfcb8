using System.Buffers;
using System.Text;
using System.Text.Json;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Tests.Providers.Anthropic;

public sealed class AnthropicRequestWriterTests
{
    private const string Model = "claude-sonnet-4-5-20250929";

    [Fact]
    public void Write_SetsUpstreamModelAndStreamFlag()
    {
        var body = Translate("""{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}""", stream: true);

        Assert.Equal(Model, body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public void Write_SystemAndDeveloperMessages_BecomeTopLevelSystemBlocksInOrder()
    {
        var body = Translate("""
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":"Hi"},
              {"role":"developer","content":[{"type":"text","text":"Answer in French."},{"type":"text","text":"Be kind."}]}
            ]}
            """);

        var system = body.GetProperty("system");
        Assert.Equal(["You are terse.", "Answer in French.", "Be kind."], system.EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.All(system.EnumerateArray(), b => Assert.Equal("text", b.GetProperty("type").GetString()));

        var message = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal("Hi", message.GetProperty("content").GetString());
    }

    [Fact]
    public void Write_WithoutSystemMessages_OmitsSystem()
    {
        var body = Translate("""{"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.False(body.TryGetProperty("system", out _));
    }

    [Fact]
    public void Write_SystemPartThatIsNotText_ReturnsErrorNamingThePart()
    {
        var error = TranslateError("""
            {"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png"}}]},{"role":"user","content":"Hi"}]}
            """);

        Assert.Equal("messages[0].content[0].type", error.Param);
    }

    [Fact]
    public void Write_DataUrlImage_BecomesBase64ImageBlock()
    {
        var body = Translate("""
            {"messages":[{"role":"user","content":[
              {"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}}
            ]}]}
            """);

        var content = body.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal(2, content.GetArrayLength());
        Assert.Equal("text", content[0].GetProperty("type").GetString());
        Assert.Equal("What is this?", content[0].GetProperty("text").GetString());
        Assert.Equal("image", content[1].GetProperty("type").GetString());
        var source = content[1].GetProperty("source");
        Assert.Equal("base64", source.GetProperty("type").GetString());
        Assert.Equal("image/png", source.GetProperty("media_type").GetString());
        Assert.Equal("iVBORw0KGgo=", source.GetProperty("data").GetString());
    }

    [Fact]
    public void Write_DataUrlWithEscapedSlashes_IsUnescapedBeforeSplitting()
    {
        // Some serializers (PHP's json_encode) escape every '/', which base64 is full of.
        var body = Translate("""
            {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image\/jpeg;base64,ab\/cd+ef=="}}]}]}
            """);

        var source = body.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("source");
        Assert.Equal("image/jpeg", source.GetProperty("media_type").GetString());
        Assert.Equal("ab/cd+ef==", source.GetProperty("data").GetString());
    }

    [Fact]
    public void Write_Base64ImageData_IsCopiedWithoutEscapingPlusSigns()
    {
        using var request = JsonDocument.Parse("""
            {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/webp;base64,+AB/+C=="}}]}]}
            """);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            Assert.Null(AnthropicRequestWriter.Write(request.RootElement, Model, stream: false, writer));
        }

        Assert.Contains("\"data\":\"+AB/+C==\"", Encoding.UTF8.GetString(output.WrittenSpan), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_HttpsImageUrl_BecomesUrlImageSource()
    {
        var body = Translate("""
            {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
            """);

        var block = body.GetProperty("messages")[0].GetProperty("content")[0];
        Assert.Equal("image", block.GetProperty("type").GetString());
        Assert.Equal("url", block.GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("https://example.com/cat.jpg", block.GetProperty("source").GetProperty("url").GetString());
    }

    [Fact]
    public void Write_ImageWithUnsupportedScheme_ReturnsErrorNamingTheImage()
    {
        var error = TranslateError("""
            {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://example.com/cat.jpg"}}]}]}
            """);

        Assert.Equal("messages[0].content[0].image_url", error.Param);
    }

    [Fact]
    public void Write_UnsupportedContentPart_ReturnsErrorNamingThePartType()
    {
        var error = TranslateError("""
            {"messages":[
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":"Hello"},
              {"role":"user","content":[{"type":"text","text":"Listen"},{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}
            ]}
            """);

        Assert.Equal("messages[2].content[1].type", error.Param);
        Assert.Contains("input_audio", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Tools_BecomeAnthropicToolsWithInputSchema()
    {
        var body = Translate("""
            {"messages":[{"role":"user","content":"Hi"}],"tools":[
              {"type":"function","function":{"name":"get_weather","description":"Current weather","strict":true,
                "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
              {"type":"function","function":{"name":"get_time"}}
            ]}
            """);

        var tools = body.GetProperty("tools");
        Assert.Equal(2, tools.GetArrayLength());

        var weather = tools[0];
        Assert.Equal(["name", "description", "input_schema"], weather.EnumerateObject().Select(p => p.Name));
        Assert.Equal("get_weather", weather.GetProperty("name").GetString());
        Assert.Equal("Current weather", weather.GetProperty("description").GetString());
        var schema = weather.GetProperty("input_schema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("city", schema.GetProperty("required")[0].GetString());

        var time = tools[1];
        Assert.False(time.TryGetProperty("description", out _));
        Assert.Equal("object", time.GetProperty("input_schema").GetProperty("type").GetString());
        Assert.Empty(time.GetProperty("input_schema").GetProperty("properties").EnumerateObject());
    }

    [Fact]
    public void Write_ToolParametersWithoutType_GetObjectType()
    {
        var body = Translate("""
            {"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"ping","parameters":{}}}]}
            """);

        Assert.Equal("object", body.GetProperty("tools")[0].GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("\"auto\"", "auto", null)]
    [InlineData("\"none\"", "none", null)]
    [InlineData("\"required\"", "any", null)]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""", "tool", "get_weather")]
    public void Write_ToolChoice_MapsToAnthropicToolChoice(string toolChoice, string expectedType, string? expectedName)
    {
        var body = Translate($$$"""
            {"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"get_weather"}}],"tool_choice":{{{toolChoice}}}}
            """);

        var choice = body.GetProperty("tool_choice");
        Assert.Equal(expectedType, choice.GetProperty("type").GetString());
        Assert.Equal(expectedName, choice.TryGetProperty("name", out var name) ? name.GetString() : null);
        Assert.False(choice.TryGetProperty("disable_parallel_tool_use", out _));
    }

    [Theory]
    [InlineData("", "auto")]
    [InlineData(""","tool_choice":"required" """, "any")]
    [InlineData(""","tool_choice":{"type":"function","function":{"name":"get_weather"}}""", "tool")]
    public void Write_ParallelToolCallsFalse_DisablesParallelToolUse(string toolChoice, string expectedType)
    {
        var body = Translate($$$"""
            {"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"get_weather"}}],"parallel_tool_calls":false{{{toolChoice}}}}
            """);

        var choice = body.GetProperty("tool_choice");
        Assert.Equal(expectedType, choice.GetProperty("type").GetString());
        Assert.True(choice.GetProperty("disable_parallel_tool_use").GetBoolean());
    }

    [Fact]
    public void Write_ParallelToolCallsFalseWithToolChoiceNone_LeavesNoneAlone()
    {
        var body = Translate("""
            {"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none","parallel_tool_calls":false}
            """);

        Assert.Equal(["type"], body.GetProperty("tool_choice").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Write_ToolChoiceWithoutTools_IsDropped()
    {
        var body = Translate("""{"messages":[{"role":"user","content":"Hi"}],"tool_choice":"auto","parallel_tool_calls":false}""");

        Assert.False(body.TryGetProperty("tool_choice", out _));
        Assert.False(body.TryGetProperty("tools", out _));
    }

    [Fact]
    public void Write_InvalidToolChoice_ReturnsErrorForToolChoice()
    {
        var error = TranslateError("""
            {"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"sometimes"}
            """);

        Assert.Equal("tool_choice", error.Param);
    }

    [Fact]
    public void Write_ToolRoundTrip_BecomesToolUseBlocksAndOneUserMessageWithToolResults()
    {
        var body = Translate("""
            {"messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Rome\", \"units\": \"c\"}"}}
              ]},
              {"role":"tool","tool_call_id":"call_1","content":"18C"},
              {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"21C"}]}
            ]}
            """);

        var messages = body.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());

        var assistant = messages[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        var uses = assistant.GetProperty("content");
        Assert.Equal(2, uses.GetArrayLength());
        Assert.All(uses.EnumerateArray(), u => Assert.Equal("tool_use", u.GetProperty("type").GetString()));
        Assert.All(uses.EnumerateArray(), u => Assert.Equal("get_weather", u.GetProperty("name").GetString()));
        Assert.Equal("call_1", uses[0].GetProperty("id").GetString());
        Assert.Equal("Paris", uses[0].GetProperty("input").GetProperty("city").GetString());
        Assert.Equal("call_2", uses[1].GetProperty("id").GetString());
        Assert.Equal("Rome", uses[1].GetProperty("input").GetProperty("city").GetString());
        Assert.Equal("c", uses[1].GetProperty("input").GetProperty("units").GetString());

        var results = messages[2];
        Assert.Equal("user", results.GetProperty("role").GetString());
        var blocks = results.GetProperty("content");
        Assert.Equal(2, blocks.GetArrayLength());
        Assert.Equal("tool_result", blocks[0].GetProperty("type").GetString());
        Assert.Equal("call_1", blocks[0].GetProperty("tool_use_id").GetString());
        Assert.Equal("18C", blocks[0].GetProperty("content").GetString());
        Assert.Equal("tool_result", blocks[1].GetProperty("type").GetString());
        Assert.Equal("call_2", blocks[1].GetProperty("tool_use_id").GetString());
        Assert.Equal("21C", blocks[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\\\"city\\\":")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("{} trailing")]
    public void Write_ToolArgumentsThatAreNotAJsonObject_BecomeEmptyInput(string escapedArguments)
    {
        var body = Translate($$$"""
            {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{{{escapedArguments}}}"}}]}]}
            """);

        var input = body.GetProperty("messages")[1].GetProperty("content")[0].GetProperty("input");
        Assert.Equal(JsonValueKind.Object, input.ValueKind);
        Assert.Empty(input.EnumerateObject());
    }

    [Fact]
    public void Write_AssistantTextWithToolCalls_KeepsTextBeforeToolUseAndSkipsEmptyText()
    {
        var body = Translate("""
            {"messages":[
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":"Let me look.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"ok"},
              {"role":"assistant","content":"","tool_calls":[{"id":"call_2","type":"function","function":{"name":"f","arguments":"{}"}}]}
            ]}
            """);

        var messages = body.GetProperty("messages");
        Assert.Equal(["text", "tool_use"], messages[1].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("Let me look.", messages[1].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(["tool_use"], messages[3].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
    }

    [Fact]
    public void Write_ConsecutiveSameRoleMessages_AreMergedIntoOneTurn()
    {
        var body = Translate("""
            {"messages":[
              {"role":"user","content":"first"},
              {"role":"system","content":"between"},
              {"role":"user","content":[{"type":"text","text":"second"}]},
              {"role":"assistant","content":"third"},
              {"role":"assistant","content":[{"type":"text","text":"fourth"}]},
              {"role":"user","content":"fifth"}
            ]}
            """);

        var messages = body.GetProperty("messages");
        Assert.Equal(["user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(["first", "second"], messages[0].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.Equal(["third", "fourth"], messages[1].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.Equal("fifth", messages[2].GetProperty("content").GetString());
    }

    [Fact]
    public void Write_ToolResultFollowedByUserText_SharesOneUserTurnWithResultFirst()
    {
        var body = Translate("""
            {"messages":[
              {"role":"user","content":"Hi"},
              {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"ok"},
              {"role":"user","content":"Thanks, now summarize."}
            ]}
            """);

        var messages = body.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal(["tool_result", "text"], messages[2].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
    }

    [Fact]
    public void Write_ToolMessageWithoutToolCallId_ReturnsErrorNamingIt()
    {
        var error = TranslateError("""{"messages":[{"role":"user","content":"Hi"},{"role":"tool","content":"ok"}]}""");

        Assert.Equal("messages[1].tool_call_id", error.Param);
    }

    [Theory]
    [InlineData("\"function\"")]
    [InlineData("\"robot\"")]
    [InlineData("null")]
    public void Write_UnknownRole_ReturnsErrorNamingTheRole(string role)
    {
        var error = TranslateError($$"""{"messages":[{"role":"user","content":"Hi"},{"role":{{role}},"content":"x"}]}""");

        Assert.Equal("messages[1].role", error.Param);
    }

    [Fact]
    public void Write_OnlySystemMessages_ReturnsErrorForMessages()
    {
        var error = TranslateError("""{"messages":[{"role":"system","content":"You are terse."}]}""");

        Assert.Equal("messages", error.Param);
    }

    [Fact]
    public void Write_StopString_BecomesStopSequencesArray()
    {
        var body = Translate("""{"messages":[{"role":"user","content":"Hi"}],"stop":"END"}""");

        Assert.Equal(["END"], body.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()));
        Assert.False(body.TryGetProperty("stop", out _));
    }

    [Fact]
    public void Write_StopArray_BecomesStopSequences()
    {
        var body = Translate("""{"messages":[{"role":"user","content":"Hi"}],"stop":["END","\n\nHuman:"]}""");

        Assert.Equal(["END", "\n\nHuman:"], body.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()));
    }

    [Theory]
    [InlineData("", 4096)]
    [InlineData("\"max_tokens\":100,", 100)]
    [InlineData("\"max_tokens\":null,", 4096)]
    [InlineData("\"max_completion_tokens\":200,\"max_tokens\":100,", 200)]
    public void Write_MaxTokens_PrefersMaxCompletionTokensAndDefaultsTo4096(string fields, int expected)
    {
        var body = Translate($$"""{{{fields}}"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(expected, body.GetProperty("max_tokens").GetInt32());
        Assert.False(body.TryGetProperty("max_completion_tokens", out _));
    }

    [Fact]
    public void Write_NonPositiveMaxTokens_ReturnsErrorNamingTheField()
    {
        var error = TranslateError("""{"max_completion_tokens":0,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal("max_completion_tokens", error.Param);
    }

    [Fact]
    public void Write_NGreaterThanOne_ReturnsErrorForN()
    {
        var error = TranslateError("""{"n":2,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal("n", error.Param);
    }

    [Fact]
    public void Write_NEqualsOne_IsAcceptedAndDropped()
    {
        var body = Translate("""{"n":1,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.False(body.TryGetProperty("n", out _));
    }

    [Fact]
    public void Write_SamplingAndUser_AreCopiedAndOpenAIOnlyFieldsDropped()
    {
        var body = Translate("""
            {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],
             "temperature":0.3,"top_p":0.9,"top_k":40,"user":"user-42",
             "stream":true,"stream_options":{"include_usage":true},"logprobs":true,"top_logprobs":2,"seed":7,
             "frequency_penalty":0.5,"presence_penalty":0.5,"logit_bias":{"50256":-100},"fallbacks":["gpt-4o-mini"],
             "response_format":{"type":"text"},"some_future_field":{"x":1}}
            """);

        Assert.Equal(
            ["model", "max_tokens", "stream", "messages", "temperature", "top_p", "top_k", "metadata"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.3, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, body.GetProperty("top_p").GetDouble());
        Assert.Equal(40, body.GetProperty("top_k").GetInt32());
        Assert.Equal("user-42", body.GetProperty("metadata").GetProperty("user_id").GetString());

        // The caller's stream flag wins over the one in the body.
        Assert.False(body.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public void Write_TemperatureAboveAnthropicMaximum_IsClampedToOne()
    {
        var body = Translate("""{"messages":[{"role":"user","content":"Hi"}],"temperature":1.6}""");

        Assert.Equal(1.0, body.GetProperty("temperature").GetDouble());
    }

    [Theory]
    [InlineData("low", 1024)]
    [InlineData("medium", 4096)]
    [InlineData("high", 16384)]
    public void Write_ReasoningEffort_EnablesThinkingAndRaisesMaxTokensByTheBudget(string effort, int budget)
    {
        var body = Translate($$"""
            {"messages":[{"role":"user","content":"Prove it."}],"max_completion_tokens":1000,"reasoning_effort":"{{effort}}","temperature":0.2,"top_k":5}
            """);

        var thinking = body.GetProperty("thinking");
        Assert.Equal("enabled", thinking.GetProperty("type").GetString());
        Assert.Equal(budget, thinking.GetProperty("budget_tokens").GetInt32());
        Assert.Equal(1000 + budget, body.GetProperty("max_tokens").GetInt32());

        // Anthropic rejects sampling overrides while thinking.
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_k", out _));
        Assert.False(body.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public void Write_MinimalReasoningEffort_LeavesThinkingOff()
    {
        var body = Translate("""{"messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"minimal"}""");

        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Write_UnknownReasoningEffort_ReturnsErrorForReasoningEffort()
    {
        var error = TranslateError("""{"messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"extreme"}""");

        Assert.Equal("reasoning_effort", error.Param);
    }

    [Fact]
    public void Write_JsonObjectResponseFormat_AppendsInstructionAfterSystemPrompt()
    {
        var body = Translate("""
            {"messages":[{"role":"system","content":"You extract data."},{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}
            """);

        var system = body.GetProperty("system");
        Assert.Equal(["You extract data.", "Respond with a JSON object only."], system.EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.False(body.TryGetProperty("response_format", out _));
    }

    [Fact]
    public void Write_JsonSchemaResponseFormat_AppendsInstructionWithCompactSchema()
    {
        var body = Translate("""
            {"messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,
              "schema":{ "type": "object", "properties": { "answer": { "type": "string" } }, "required": ["answer"] }}}}
            """);

        var text = Assert.Single(body.GetProperty("system").EnumerateArray()).GetProperty("text").GetString()!;
        Assert.StartsWith("Respond with a JSON object only.", text, StringComparison.Ordinal);
        Assert.EndsWith("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UnknownResponseFormat_ReturnsErrorForItsType()
    {
        var error = TranslateError("""{"messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"yaml"}}""");

        Assert.Equal("response_format.type", error.Param);
    }

    [Fact]
    public void Write_CacheControlOnTextPart_IsKept()
    {
        var body = Translate("""
            {"messages":[{"role":"user","content":[{"type":"text","text":"A long document","cache_control":{"type":"ephemeral"}}]}]}
            """);

        var block = body.GetProperty("messages")[0].GetProperty("content")[0];
        Assert.Equal("ephemeral", block.GetProperty("cache_control").GetProperty("type").GetString());
    }

    private static JsonElement Translate(string openAiRequest, bool stream = false)
    {
        var (body, error) = Run(openAiRequest, stream);
        Assert.Null(error);
        return body;
    }

    private static RequestTranslationError TranslateError(string openAiRequest)
    {
        var (_, error) = Run(openAiRequest, stream: false);
        Assert.NotNull(error);
        return error;
    }

    private static (JsonElement Body, RequestTranslationError? Error) Run(string openAiRequest, bool stream)
    {
        using var request = JsonDocument.Parse(openAiRequest);
        var output = new ArrayBufferWriter<byte>();
        RequestTranslationError? error;
        using (var writer = new Utf8JsonWriter(output))
        {
            error = AnthropicRequestWriter.Write(request.RootElement, Model, stream, writer);
        }

        if (error is not null)
        {
            return (default, error);
        }

        using var document = JsonDocument.Parse(output.WrittenMemory);
        return (document.RootElement.Clone(), null);
    }
}
