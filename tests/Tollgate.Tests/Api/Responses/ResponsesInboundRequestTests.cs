using System.Buffers;
using System.Text;
using System.Text.Json;
using Tollgate.Api.Responses;

namespace Tollgate.Tests.Api.Responses;

public sealed class ResponsesInboundRequestTests
{
    [Fact]
    public void WriteChatRequest_StringInput_BecomesOneUserMessageAndReportsInfo()
    {
        // What client.responses.create(model=..., input="...") sends.
        var body = Translate("""{"model":"databricks-claude-sonnet-4-5","input":"Tell me a three sentence bedtime story about a unicorn."}""", null, out var info);

        Assert.Equal(new ResponsesRequestInfo("databricks-claude-sonnet-4-5", false, true, null), info);
        Assert.Equal(["model", "messages"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("databricks-claude-sonnet-4-5", body.GetProperty("model").GetString());
        var message = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal("""{"role":"user","content":"Tell me a three sentence bedtime story about a unicorn."}""", message.GetRawText());
    }

    [Fact]
    public void WriteChatRequest_Instructions_BecomeLeadingSystemMessage()
    {
        var messages = Translate("""
            {"model":"m","instructions":"You are a coding assistant that talks like a pirate.","input":"Are semicolons optional in JavaScript?"}
            """).GetProperty("messages");

        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("""{"role":"system","content":"You are a coding assistant that talks like a pirate."}""", messages[0].GetRawText());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
    }

    [Fact]
    public void WriteChatRequest_EmptyOrNullInstructions_WriteNoSystemMessage()
    {
        Assert.Single(Translate("""{"model":"m","instructions":"","input":"Hi"}""").GetProperty("messages").EnumerateArray());
        Assert.Single(Translate("""{"model":"m","instructions":null,"input":"Hi"}""").GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public void WriteChatRequest_MessageItems_MapRolesAndJoinTextParts()
    {
        var messages = Translate("""
            {"model":"m","input":[
              {"role":"developer","content":"Talk like a pirate."},
              {"role":"system","content":[{"type":"input_text","text":"Be brief."},{"type":"input_text","text":"Use \"plain\" words — no jargon."}]},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"<context>Today is 2025-10-01.</context>"},{"type":"input_text","text":""},{"type":"input_text","text":"What day is it?"}]},
              {"role":"assistant","content":"Arr, 'tis Wednesday."},
              {"role":"user","content":"Thanks!"}
            ]}
            """).GetProperty("messages");

        Assert.Equal(["system", "system", "user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Talk like a pirate.", messages[0].GetProperty("content").GetString());
        Assert.Equal("Be brief.\n\nUse \"plain\" words — no jargon.", messages[1].GetProperty("content").GetString());
        Assert.Equal("<context>Today is 2025-10-01.</context>\n\nWhat day is it?", messages[2].GetProperty("content").GetString());
        Assert.Equal("Arr, 'tis Wednesday.", messages[3].GetProperty("content").GetString());
        Assert.Equal("Thanks!", messages[4].GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatRequest_ImagesAndFiles_BecomeChatPartsInOrder()
    {
        var message = Translate("""
            {"model":"m","input":[{"role":"user","content":[
              {"type":"input_text","text":"what's in this image?"},
              {"type":"input_image","image_url":"https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg","detail":"high"},
              {"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="},
              {"type":"input_file","filename":"draconomicon.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}
            ]}]}
            """).GetProperty("messages")[0];

        var parts = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["text", "image_url", "image_url", "file"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("""{"type":"text","text":"what's in this image?"}""", parts[0].GetRawText());
        Assert.Equal("high", parts[1].GetProperty("image_url").GetProperty("detail").GetString());
        Assert.StartsWith("https://upload.wikimedia.org/", parts[1].GetProperty("image_url").GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}""",
            parts[2].GetProperty("image_url").GetRawText());
        Assert.Equal("""{"filename":"draconomicon.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}""", parts[3].GetProperty("file").GetRawText());
    }

    [Fact]
    public void WriteChatRequest_CodexStyleReplay_MergesAssistantTurnAndDropsReasoning()
    {
        // Codex (store: false) replays the whole turn: reasoning, the assistant's message, its calls, and their outputs.
        var messages = Translate("""
            {"model":"gpt-5-codex","instructions":"You are Codex.","store":false,"stream":true,"input":[
              {"type":"message","role":"user","content":[{"type":"input_text","text":"What's the weather in Paris and Bogotá?"}]},
              {"type":"reasoning","id":"rs_68b65c4f87348190b80440b13861a94c","summary":[{"type":"summary_text","text":"Need two lookups."}],"encrypted_content":"gAAAAABotqXh..."},
              {"type":"message","role":"assistant","id":"msg_68b65c5082e48190","status":"completed","content":[{"type":"output_text","text":"Checking both cities.","annotations":[]}]},
              {"type":"function_call","id":"fc_12345xyz","call_id":"call_12345xyz","name":"get_weather","arguments":"{\"location\":\"Paris, France\"}","status":"completed"},
              {"type":"function_call","id":"fc_67890abc","call_id":"call_67890abc","name":"get_weather","arguments":"{\"location\":\"Bogotá, Colombia\"}"},
              {"type":"function_call_output","call_id":"call_12345xyz","output":"{\"temperature\": 14}"},
              {"type":"function_call_output","call_id":"call_67890abc","output":[{"type":"input_text","text":"18 degrees"},{"type":"input_text","text":"light rain"}]}
            ]}
            """).GetProperty("messages");

        Assert.Equal(["system", "user", "assistant", "tool", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var assistant = messages[2];
        Assert.Equal("Checking both cities.", assistant.GetProperty("content").GetString());
        Assert.Equal(
            """[{"id":"call_12345xyz","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris, France\"}"}},{"id":"call_67890abc","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Bogotá, Colombia\"}"}}]""",
            assistant.GetProperty("tool_calls").GetRawText());
        Assert.Equal("""{"role":"tool","tool_call_id":"call_12345xyz","content":"{\"temperature\": 14}"}""", messages[3].GetRawText());
        Assert.Equal("18 degrees\n\nlight rain", messages[4].GetProperty("content").GetString());
        Assert.DoesNotContain("encrypted_content", messages.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteChatRequest_FunctionCallsAlone_BecomeOneAssistantMessageWithNullContent()
    {
        var messages = Translate("""
            {"model":"m","input":[
              {"role":"user","content":"Weather?"},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{}"},
              {"type":"function_call","call_id":"call_2","name":"get_time","arguments":"{}"},
              {"type":"function_call_output","call_id":"call_1","output":"sunny"},
              {"type":"function_call_output","call_id":"call_2","output":"noon"},
              {"role":"assistant","content":"Sunny at noon."},
              {"role":"assistant","content":[{"type":"refusal","refusal":"I can't share more."}]}
            ]}
            """).GetProperty("messages");

        Assert.Equal(["user", "assistant", "tool", "tool", "assistant", "assistant"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(JsonValueKind.Null, messages[1].GetProperty("content").ValueKind);
        Assert.Equal(["call_1", "call_2"], messages[1].GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.False(messages[4].TryGetProperty("tool_calls", out _));
        Assert.Equal("I can't share more.", messages[5].GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatRequest_SamplingParameters_AreCopiedAndOpenAIOnlyOnesDropped()
    {
        var body = Translate("""
            {"model":"m","input":"Hi","max_output_tokens":1024,"temperature":0.2,"top_p":0.9,"user":"user-1234",
             "metadata":{"session":"abc"},"truncation":"auto","include":["reasoning.encrypted_content"],"service_tier":"flex",
             "prompt_cache_key":"k","safety_identifier":"s","top_logprobs":2,"text":{"format":{"type":"text"},"verbosity":"low"}}
            """);

        Assert.Equal(["model", "messages", "max_tokens", "temperature", "top_p", "user"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1024, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal("0.2", body.GetProperty("temperature").GetRawText());
        Assert.Equal("0.9", body.GetProperty("top_p").GetRawText());
        Assert.Equal("user-1234", body.GetProperty("user").GetString());
    }

    [Fact]
    public void WriteChatRequest_Stream_AsksForUsageAndReportsIt()
    {
        var body = Translate("""{"model":"m","input":"Hi","stream":true}""", null, out var info);

        Assert.True(info.Stream);
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal("""{"include_usage":true}""", body.GetProperty("stream_options").GetRawText());
    }

    [Fact]
    public void WriteChatRequest_StreamFalse_IsCopiedWithoutStreamOptions()
    {
        var body = Translate("""{"model":"m","input":"Hi","stream":false}""");

        Assert.False(body.GetProperty("stream").GetBoolean());
        Assert.False(body.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void WriteChatRequest_FunctionTools_AreNestedUnderFunction()
    {
        var body = Translate("""
            {"model":"m","input":"What is the weather like in Paris today?",
             "tools":[
               {"type":"function","name":"get_weather","description":"Get current temperature for a given location.",
                "parameters":{"type":"object","properties":{"location":{"type":"string","description":"City and country e.g. Bogotá, Colombia"}},"required":["location"],"additionalProperties":false},
                "strict":true},
               {"type":"function","name":"ping"}
             ],
             "tool_choice":"required","parallel_tool_calls":false}
            """);

        Assert.Equal(
            """[{"type":"function","function":{"name":"get_weather","description":"Get current temperature for a given location.","parameters":{"type":"object","properties":{"location":{"type":"string","description":"City and country e.g. Bogotá, Colombia"}},"required":["location"],"additionalProperties":false},"strict":true}},{"type":"function","function":{"name":"ping"}}]""",
            body.GetProperty("tools").GetRawText());
        Assert.Equal("required", body.GetProperty("tool_choice").GetString());
        Assert.False(body.GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Theory]
    [InlineData("\"auto\"", "\"auto\"")]
    [InlineData("\"none\"", "\"none\"")]
    [InlineData("\"required\"", "\"required\"")]
    [InlineData("""{"type":"function","name":"get_weather"}""", """{"type":"function","function":{"name":"get_weather"}}""")]
    public void WriteChatRequest_ToolChoice_BecomesChatToolChoice(string toolChoice, string expected)
    {
        var body = Translate("""{"model":"m","input":"Hi","tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{}}}],"tool_choice":""" + toolChoice + "}");

        Assert.Equal(expected, body.GetProperty("tool_choice").GetRawText());
    }

    [Fact]
    public void WriteChatRequest_NoTools_DropsToolChoiceAndParallelToolCalls()
    {
        var body = Translate("""{"model":"m","input":"Hi","tools":[],"tool_choice":"auto","parallel_tool_calls":true}""");

        Assert.False(body.TryGetProperty("tools", out _));
        Assert.False(body.TryGetProperty("tool_choice", out _));
        Assert.False(body.TryGetProperty("parallel_tool_calls", out _));
    }

    [Fact]
    public void WriteChatRequest_JsonSchemaFormat_BecomesResponseFormat()
    {
        var body = Translate("""
            {"model":"m","input":"Alice and Bob are going to a science fair on Friday.",
             "text":{"format":{"type":"json_schema","name":"calendar_event","description":"An event",
               "schema":{"type":"object","properties":{"name":{"type":"string"},"date":{"type":"string"},"participants":{"type":"array","items":{"type":"string"}}},"required":["name","date","participants"],"additionalProperties":false},
               "strict":true}}}
            """);

        Assert.Equal(
            """{"type":"json_schema","json_schema":{"name":"calendar_event","description":"An event","schema":{"type":"object","properties":{"name":{"type":"string"},"date":{"type":"string"},"participants":{"type":"array","items":{"type":"string"}}},"required":["name","date","participants"],"additionalProperties":false},"strict":true}}""",
            body.GetProperty("response_format").GetRawText());
    }

    [Fact]
    public void WriteChatRequest_JsonObjectFormat_BecomesResponseFormat()
    {
        var body = Translate("""{"model":"m","input":"List three colors as JSON.","text":{"format":{"type":"json_object"}}}""");

        Assert.Equal("""{"type":"json_object"}""", body.GetProperty("response_format").GetRawText());
    }

    [Fact]
    public void WriteChatRequest_ReasoningEffort_BecomesReasoningEffort()
    {
        var body = Translate("""{"model":"m","input":"Prove it.","reasoning":{"effort":"high","summary":"auto"}}""");

        Assert.Equal("high", body.GetProperty("reasoning_effort").GetString());
        Assert.False(body.TryGetProperty("reasoning", out _));
    }

    [Fact]
    public void WriteChatRequest_StoreAndPreviousResponseId_GoIntoInfo()
    {
        const string Previous = """[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]""";
        Translate("""{"model":"m","input":"Again","store":false,"previous_response_id":"resp_68af4030592c81938ec0a5fbab4a3e9f"}""", Previous, out var info);

        Assert.Equal(new ResponsesRequestInfo("m", false, false, "resp_68af4030592c81938ec0a5fbab4a3e9f"), info);
    }

    [Fact]
    public void ReadPreviousResponseId_FindsTheIdBeforeTranslation()
    {
        using var withId = JsonDocument.Parse("""{"model":"m","previous_response_id":"resp_abc","input":"x"}""");
        using var withoutId = JsonDocument.Parse("""{"model":"m","input":"x"}""");

        Assert.Equal("resp_abc", ResponsesInboundRequest.ReadPreviousResponseId(withId.RootElement));
        Assert.Null(ResponsesInboundRequest.ReadPreviousResponseId(withoutId.RootElement));
    }

    [Fact]
    public void WriteChatRequest_PreviousMessages_GoBetweenInstructionsAndNewInput()
    {
        const string Previous = """
            [{"role":"user","content":"What's the weather in Paris?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_12345xyz","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]}]
            """;

        var messages = Translate("""
            {"model":"m","previous_response_id":"resp_1","input":[{"type":"function_call_output","call_id":"call_12345xyz","output":"14°C"}]}
            """, Previous, out _).GetProperty("messages");

        Assert.Equal(["user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("call_12345xyz", messages[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public void WriteChatRequest_NewInstructions_ReplaceTheStoredOnes()
    {
        // The stored conversation starts with the previous turn's instructions; OpenAI does not carry them over.
        const string Previous = """[{"role":"system","content":"Old instructions."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]""";

        var messages = Translate("""{"model":"m","previous_response_id":"resp_1","instructions":"New instructions.","input":"Again"}""", Previous, out _)
            .GetProperty("messages");

        Assert.Equal(["system", "user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("New instructions.", messages[0].GetProperty("content").GetString());
        Assert.DoesNotContain("Old instructions.", messages.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteChatRequest_NoNewInstructions_KeepsTheStoredSystemMessage()
    {
        // LangChain sends its system prompt once, as an input item, and then only new messages.
        const string Previous = """[{"role":"system","content":"You are terse."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]""";

        var messages = Translate("""{"model":"m","previous_response_id":"resp_1","input":"Again"}""", Previous, out _).GetProperty("messages");

        Assert.Equal(["system", "user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("You are terse.", messages[0].GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatRequest_PreviousResponseIdNotFound_ReturnsOpenAIsError()
    {
        var error = TranslateError("""{"model":"m","previous_response_id":"resp_missing","input":"Again"}""");

        Assert.Equal(new ResponsesError("Previous response with id 'resp_missing' not found.", "previous_response_id"), error);
    }

    [Theory]
    [InlineData("""{"input":"Hi"}""", "model", "Missing required parameter: 'model'.")]
    [InlineData("""{"model":42,"input":"Hi"}""", "model", "Invalid type for 'model': expected a string, but got an integer instead.")]
    [InlineData("""{"model":"m"}""", "input", "Missing required parameter: 'input'.")]
    [InlineData("""{"model":"m","input":42}""", "input", "Invalid type for 'input': expected a string or an array, but got an integer instead.")]
    [InlineData("""{"model":"m","input":"Hi","temperature":"hot"}""", "temperature", "Invalid type for 'temperature': expected a decimal, but got a string instead.")]
    [InlineData("""{"model":"m","input":"Hi","stream":"yes"}""", "stream", "Invalid type for 'stream': expected a boolean, but got a string instead.")]
    [InlineData("""{"model":"m","input":"Hi","max_output_tokens":0}""", "max_output_tokens", null)]
    [InlineData("""{"model":"m","input":"Hi","max_output_tokens":1.5}""", "max_output_tokens", null)]
    [InlineData("""{"model":"m","input":[{"role":"tool","content":"x"}]}""", "input[0].role", "Invalid value: 'tool'. Supported values are: 'assistant', 'system', 'developer', and 'user'.")]
    [InlineData("""{"model":"m","input":[{"role":"user"}]}""", "input[0].content", "Missing required parameter: 'input[0].content'.")]
    [InlineData("""{"model":"m","input":[{"content":"x"}]}""", "input[0].type", null)]
    [InlineData("""{"model":"m","input":["Hi"]}""", "input[0]", null)]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", "input[0].content[0].type", null)]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-abc"}]}]}""", "input[0].content[0].file_id", null)]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_url":"https://example.com/a.pdf"}]}]}""", "input[0].content[0]", null)]
    [InlineData("""{"model":"m","input":[{"role":"system","content":[{"type":"input_image","image_url":"https://example.com/a.png"}]}]}""", "input[0].content[0].type", null)]
    [InlineData("""{"model":"m","input":[{"type":"item_reference","id":"msg_123"}]}""", "input[0].type", null)]
    [InlineData("""{"model":"m","input":[{"type":"web_search_call","id":"ws_1","status":"completed"}]}""", "input[0].type", null)]
    [InlineData("""{"model":"m","input":[{"type":"function_call","name":"f","arguments":"{}"}]}""", "input[0].call_id", "Missing required parameter: 'input[0].call_id'.")]
    [InlineData("""{"model":"m","input":[{"type":"function_call_output","call_id":"c"}]}""", "input[0].output", null)]
    [InlineData("""{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":[{"type":"input_image","image_url":"https://example.com/a.png"}]}]}""", "input[0].output[0].type", null)]
    [InlineData("""{"model":"m","input":"Hi","tools":[{"type":"function","name":"f"},{"type":"web_search_preview"}]}""", "tools[1].type", null)]
    [InlineData("""{"model":"m","input":"Hi","tools":[{"type":"function","description":"no name"}]}""", "tools[0].name", null)]
    [InlineData("""{"model":"m","input":"Hi","tools":{"type":"function"}}""", "tools", null)]
    [InlineData("""{"model":"m","input":"Hi","tool_choice":"any"}""", "tool_choice", "Invalid value: 'any'. Supported values are: 'none', 'auto', and 'required'.")]
    [InlineData("""{"model":"m","input":"Hi","tool_choice":{"type":"allowed_tools","mode":"auto","tools":[]}}""", "tool_choice.type", null)]
    [InlineData("""{"model":"m","input":"Hi","tool_choice":{"type":"function"}}""", "tool_choice.name", null)]
    [InlineData("""{"model":"m","input":"Hi","text":{"format":{"type":"json_schema","schema":{"type":"object"}}}}""", "text.format.name", null)]
    [InlineData("""{"model":"m","input":"Hi","text":{"format":{"type":"json_schema","name":"x"}}}""", "text.format.schema", null)]
    [InlineData("""{"model":"m","input":"Hi","text":{"format":{"type":"yaml"}}}""", "text.format.type", null)]
    [InlineData("""{"model":"m","input":"Hi","reasoning":{"effort":3}}""", "reasoning.effort", null)]
    [InlineData("""{"model":"m","input":"Hi","background":true}""", "background", null)]
    [InlineData("""{"model":"m","input":"Hi","conversation":"conv_123"}""", "conversation", null)]
    [InlineData("""{"model":"m","prompt":{"id":"pmpt_123"}}""", "prompt", null)]
    public void WriteChatRequest_InvalidRequest_ReturnsErrorNamingTheParam(string request, string param, string? message)
    {
        var error = TranslateError(request);

        Assert.Equal(param, error.Param);
        if (message is not null)
        {
            Assert.Equal(message, error.Message);
        }
    }

    [Fact]
    public void WriteChatRequest_NotAnObject_ReturnsError()
    {
        var error = TranslateError("""["model"]""");

        Assert.Null(error.Param);
    }

    [Fact]
    public void WriteChatRequest_BackgroundFalse_IsAccepted()
    {
        Assert.Single(Translate("""{"model":"m","input":"Hi","background":false}""").GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public void WriteChatRequest_TextIsCopiedAsEscaped()
    {
        // Text with escapes is copied byte for byte: nothing is unescaped and escaped again.
        var output = TranslateToString("""{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"caf\u00e9 \"q\""},{"type":"input_text","text":"line\nbreak"}]}]}""");

        Assert.Contains("""caf\u00e9 \"q\"\n\nline\nbreak""", output, StringComparison.Ordinal);
    }

    private static JsonElement Translate(string request) => Translate(request, null, out _);

    private static JsonElement Translate(string request, string? previousMessages, out ResponsesRequestInfo info)
    {
        using var result = JsonDocument.Parse(TranslateToString(request, previousMessages, out info));
        return result.RootElement.Clone();
    }

    private static string TranslateToString(string request) => TranslateToString(request, null, out _);

    private static string TranslateToString(string request, string? previousMessages, out ResponsesRequestInfo info)
    {
        using var document = JsonDocument.Parse(request);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            var error = ResponsesInboundRequest.WriteChatRequest(document.RootElement, previousMessages, writer, out info);
            Assert.Null(error);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static ResponsesError TranslateError(string request)
    {
        using var document = JsonDocument.Parse(request);
        using var writer = new Utf8JsonWriter(new ArrayBufferWriter<byte>());
        var error = ResponsesInboundRequest.WriteChatRequest(document.RootElement, null, writer, out _);
        Assert.NotNull(error);
        return error;
    }
}
