using System.Buffers;
using System.Text.Json;
using Tollgate.Api.Anthropic;

namespace Tollgate.Tests.Api.Anthropic;

public sealed class AnthropicInboundRequestTests
{
    [Fact]
    public void WriteChatRequest_MinimalRequest_CopiesModelMessageAndMaxTokensAndReportsInfo()
    {
        var body = Translate("""
            {"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hello, Claude"}]}
            """, out var info);

        Assert.Equal(new InboundRequestInfo("claude-sonnet-4-5", false, 1024), info);
        Assert.Equal("claude-sonnet-4-5", body.GetProperty("model").GetString());
        Assert.Equal(1024, body.GetProperty("max_tokens").GetInt32());
        var message = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal("Hello, Claude", message.GetProperty("content").GetString());
        Assert.False(body.TryGetProperty("stream", out _));
        Assert.False(body.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void WriteChatRequest_SystemString_BecomesLeadingSystemMessage()
    {
        var messages = Translate("""
            {"model":"m","max_tokens":10,"system":"You are a pirate.","messages":[{"role":"user","content":"Hi"}]}
            """).GetProperty("messages");

        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("You are a pirate.", messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
    }

    [Fact]
    public void WriteChatRequest_SystemBlocksWithCacheControl_JoinAsParagraphsAndDropCacheControl()
    {
        // How Claude Code sends its system prompt: several blocks, a cache breakpoint on the last.
        var body = Translate("""
            {"model":"claude-sonnet-4-5","max_tokens":32000,
             "system":[
               {"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude."},
               {"type":"text","text":""},
               {"type":"text","text":"Use \"rg\" — not grep.\nBe concise.","cache_control":{"type":"ephemeral"}}
             ],
             "messages":[{"role":"user","content":"Hi"}]}
            """);

        var system = body.GetProperty("messages")[0];
        Assert.Equal("system", system.GetProperty("role").GetString());
        Assert.Equal("You are Claude Code, Anthropic's official CLI for Claude.\n\nUse \"rg\" — not grep.\nBe concise.",
            system.GetProperty("content").GetString());
        Assert.DoesNotContain("cache_control", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteChatRequest_EmptyOrNullSystem_WritesNoSystemMessage()
    {
        Assert.Single(Translate("""{"model":"m","max_tokens":1,"system":"","messages":[{"role":"user","content":"Hi"}]}""").GetProperty("messages").EnumerateArray());
        Assert.Single(Translate("""{"model":"m","max_tokens":1,"system":null,"messages":[{"role":"user","content":"Hi"}]}""").GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public void WriteChatRequest_UserTextBlocksOnly_BecomeOneString()
    {
        var message = Translate("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
              {"type":"text","text":"<system-reminder>Today is 2025-10-01.</system-reminder>"},
              {"type":"text","text":"What day is it?","cache_control":{"type":"ephemeral"}}
            ]}]}
            """).GetProperty("messages")[0];

        Assert.Equal("<system-reminder>Today is 2025-10-01.</system-reminder>\n\nWhat day is it?", message.GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatRequest_Images_BecomeImageUrlPartsInOrder()
    {
        var message = Translate("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}},
              {"type":"text","text":"Compare with this one:"},
              {"type":"image","source":{"type":"url","url":"https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"}}
            ]}]}
            """).GetProperty("messages")[0];

        var parts = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["image_url", "text", "image_url"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
            parts[0].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("Compare with this one:", parts[1].GetProperty("text").GetString());
        Assert.Equal("https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg",
            parts[2].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void WriteChatRequest_Base64ImageData_IsCopiedWithoutEscapingPlusSigns()
    {
        var output = new ArrayBufferWriter<byte>();
        using var document = JsonDocument.Parse("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ+SkZJRg=="}}]}]}
            """);
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            Assert.Null(AnthropicInboundRequest.WriteChatRequest(document.RootElement, writer, out _));
        }

        Assert.Contains("\"data:image/jpeg;base64,/9j/4AAQ+SkZJRg==\"", System.Text.Encoding.UTF8.GetString(output.WrittenSpan), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteChatRequest_ImageFromFilesApi_ReturnsErrorNamingTheSource()
    {
        var error = TranslateError("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"file_011CNha8iCJcU1wXNR6q4V8w"}}]}]}
            """);

        Assert.Equal("messages.0.content.0.source.type", error.Param);
        Assert.Equal("invalid_request_error", error.Type);
    }

    [Fact]
    public void WriteChatRequest_Documents_TextBecomesTextAndPdfBecomesFilePart()
    {
        var message = Translate("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQK"},"title":"q3-report.pdf"},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"The grass is green."}},
              {"type":"text","text":"Summarize both."}
            ]}]}
            """).GetProperty("messages")[0];

        var parts = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["file", "text", "text"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("q3-report.pdf", parts[0].GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal("data:application/pdf;base64,JVBERi0xLjQK", parts[0].GetProperty("file").GetProperty("file_data").GetString());
        Assert.Equal("The grass is green.", parts[1].GetProperty("text").GetString());
    }

    [Fact]
    public void WriteChatRequest_AssistantToolUse_BecomesToolCallsWithCompactArgumentsAndThinkingIsDropped()
    {
        var messages = Translate("""
            {"model":"claude-sonnet-4-5","max_tokens":2048,"messages":[
              {"role":"user","content":"What's the weather in San Francisco and what time is it there?"},
              {"role":"assistant","content":[
                {"type":"thinking","thinking":"The user wants weather and time.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"},
                {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"},
                {"type":"text","text":"I'll check both."},
                {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{ "location" : "San Francisco, CA", "unit": "celsius" }},
                {"type":"tool_use","id":"toolu_01B7sLk3ZcUu6kZ4t9gEoV2x","name":"get_time","input":{"timezone":"America/Los_Angeles"}}
              ]}
            ]}
            """).GetProperty("messages");

        var assistant = messages[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        Assert.Equal("I'll check both.", assistant.GetProperty("content").GetString());
        var calls = assistant.GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", calls[0].GetProperty("id").GetString());
        Assert.Equal("function", calls[0].GetProperty("type").GetString());
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"location":"San Francisco, CA","unit":"celsius"}""", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("""{"timezone":"America/Los_Angeles"}""", calls[1].GetProperty("function").GetProperty("arguments").GetString());
        Assert.DoesNotContain("thinking", assistant.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteChatRequest_AssistantWithOnlyToolUse_HasNullContent()
    {
        var assistant = Translate("""
            {"model":"m","max_tokens":10,"messages":[
              {"role":"user","content":"Weather?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}]}
            ]}
            """).GetProperty("messages")[1];

        Assert.Equal(JsonValueKind.Null, assistant.GetProperty("content").ValueKind);
        Assert.Equal("{}", assistant.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public void WriteChatRequest_ToolResults_BecomeToolMessagesThenTheRestOfTheUserTurn()
    {
        var messages = Translate("""
            {"model":"m","max_tokens":10,"messages":[
              {"role":"user","content":"Weather and time in SF?"},
              {"role":"assistant","content":[
                {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"San Francisco, CA"}},
                {"type":"tool_use","id":"toolu_01B7sLk3ZcUu6kZ4t9gEoV2x","name":"get_time","input":{"timezone":"America/Los_Angeles"}}
              ]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":[{"type":"text","text":"15 degrees"},{"type":"text","text":"light fog"}]},
                {"type":"tool_result","tool_use_id":"toolu_01B7sLk3ZcUu6kZ4t9gEoV2x","content":"Timezone database unavailable","is_error":true},
                {"type":"text","text":"Also, is fog normal in October?"}
              ]}
            ]}
            """).GetProperty("messages");

        Assert.Equal(["user", "assistant", "tool", "tool", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("15 degrees\n\nlight fog", messages[2].GetProperty("content").GetString());
        Assert.Equal("toolu_01B7sLk3ZcUu6kZ4t9gEoV2x", messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("Error: Timezone database unavailable", messages[3].GetProperty("content").GetString());
        Assert.Equal("Also, is fog normal in October?", messages[4].GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatRequest_OnlyToolResults_WriteNoExtraUserMessage()
    {
        var messages = Translate("""
            {"model":"m","max_tokens":10,"messages":[
              {"role":"user","content":"Run it"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"run","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01"}]}
            ]}
            """).GetProperty("messages");

        Assert.Equal(["user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("", messages[2].GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatRequest_ImageInToolResult_MovesToTheFollowingUserMessage()
    {
        var messages = Translate("""
            {"model":"m","max_tokens":10,"messages":[
              {"role":"user","content":"Screenshot please"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"screenshot","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":[
                {"type":"text","text":"Captured."},
                {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}]}
            ]}
            """).GetProperty("messages");

        Assert.Equal(["user", "assistant", "tool", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Captured.", messages[2].GetProperty("content").GetString());
        var part = Assert.Single(messages[3].GetProperty("content").EnumerateArray());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", part.GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void WriteChatRequest_SamplingStopAndMetadata_AreMappedAndUnknownFieldsDropped()
    {
        var body = Translate("""
            {"model":"m","max_tokens":10,"temperature":0.2,"top_p":0.9,"top_k":40,
             "stop_sequences":["\n\nHuman:","END"],"metadata":{"user_id":"13803d75-b4b5-4c3e-b2a2-6f21399b021b"},
             "service_tier":"auto","container":"container_011CPR5CNjB747bTd36fQLFk","mcp_servers":[],
             "messages":[{"role":"user","content":"Hi"}]}
            """);

        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, body.GetProperty("top_p").GetDouble());
        Assert.Equal(["\n\nHuman:", "END"], body.GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("13803d75-b4b5-4c3e-b2a2-6f21399b021b", body.GetProperty("user").GetString());
        Assert.Equal(["model", "messages", "max_tokens", "temperature", "top_p", "stop", "user"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void WriteChatRequest_Stream_IsCopiedAndAsksForUsage()
    {
        var body = Translate("""{"model":"m","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", out var info);

        Assert.True(info.Stream);
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());

        body = Translate("""{"model":"m","max_tokens":10,"stream":false,"messages":[{"role":"user","content":"Hi"}]}""", out info);
        Assert.False(info.Stream);
        Assert.False(body.GetProperty("stream").GetBoolean());
        Assert.False(body.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void WriteChatRequest_Tools_BecomeFunctionTools()
    {
        var body = Translate("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Weather?"}],
             "tools":[
               {"name":"get_weather","description":"Get the current weather in a given location",
                "input_schema":{"type":"object","properties":{"location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"}},"required":["location"]},
                "cache_control":{"type":"ephemeral"}},
               {"type":"custom","name":"get_time","input_schema":{"type":"object","properties":{}},"strict":true}
             ]}
            """);

        var tools = body.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(2, tools.Count);
        Assert.All(tools, t => Assert.Equal("function", t.GetProperty("type").GetString()));
        var weather = tools[0].GetProperty("function");
        Assert.Equal("get_weather", weather.GetProperty("name").GetString());
        Assert.Equal("Get the current weather in a given location", weather.GetProperty("description").GetString());
        Assert.Equal(["location"], weather.GetProperty("parameters").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.False(weather.TryGetProperty("strict", out _));
        Assert.True(tools[1].GetProperty("function").GetProperty("strict").GetBoolean());
        Assert.False(tools[1].GetProperty("function").TryGetProperty("description", out _));
        Assert.DoesNotContain("cache_control", body.GetRawText(), StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("tool_choice", out _));
    }

    [Fact]
    public void WriteChatRequest_ServerTool_ReturnsUnsupportedError()
    {
        var error = TranslateError("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"News?"}],
             "tools":[{"name":"get_time","input_schema":{"type":"object"}},{"type":"web_search_20250305","name":"web_search","max_uses":5}]}
            """);

        Assert.Equal("tools.1.type", error.Param);
        Assert.Contains("web_search_20250305", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("tools.1.type: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", "\"auto\"")]
    [InlineData("""{"type":"any"}""", "\"required\"")]
    [InlineData("""{"type":"none"}""", "\"none\"")]
    [InlineData("""{"type":"tool","name":"get_weather"}""", """{"type":"function","function":{"name":"get_weather"}}""")]
    public void WriteChatRequest_ToolChoice_IsMapped(string toolChoice, string expected)
    {
        var body = Translate($$$"""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"tool_choice":{{{toolChoice}}}}
            """);

        Assert.Equal(expected, body.GetProperty("tool_choice").GetRawText());
        Assert.False(body.TryGetProperty("parallel_tool_calls", out _));
    }

    [Fact]
    public void WriteChatRequest_DisableParallelToolUse_TurnsOffParallelToolCalls()
    {
        var body = Translate("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}}
            """);

        Assert.Equal("required", body.GetProperty("tool_choice").GetString());
        Assert.False(body.GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Fact]
    public void WriteChatRequest_ToolChoiceWithoutTools_IsDropped()
    {
        var body = Translate("""{"model":"m","max_tokens":10,"tool_choice":{"type":"any"},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.False(body.TryGetProperty("tool_choice", out _));
        Assert.False(body.TryGetProperty("tools", out _));
    }

    [Fact]
    public void WriteChatRequest_ToolChoiceToolWithoutName_ReturnsError()
    {
        var error = TranslateError("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool"}}
            """);

        Assert.Equal("tool_choice.name", error.Param);
    }

    [Theory]
    [InlineData(1024, "low")]
    [InlineData(4095, "low")]
    [InlineData(4096, "medium")]
    [InlineData(16383, "medium")]
    [InlineData(16384, "high")]
    [InlineData(63999, "high")]
    public void WriteChatRequest_ThinkingBudget_BecomesReasoningEffort(int budget, string effort)
    {
        var body = Translate($$"""
            {"model":"m","max_tokens":64000,"thinking":{"type":"enabled","budget_tokens":{{budget}}},"messages":[{"role":"user","content":"Hi"}]}
            """);

        Assert.Equal(effort, body.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public void WriteChatRequest_ThinkingDisabled_SendsNoReasoningEffort()
    {
        var body = Translate("""{"model":"m","max_tokens":10,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.False(body.TryGetProperty("reasoning_effort", out _));
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""", "max_tokens", "max_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":"many","messages":[{"role":"user","content":"Hi"}]}""", "max_tokens", "max_tokens: Input should be a valid integer")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"Hi"}]}""", "max_tokens", "max_tokens: Input should be greater than or equal to 1")]
    [InlineData("""{"max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""", "model", "model: Field required")]
    [InlineData("""{"model":"m","max_tokens":10}""", "messages", "messages: Field required")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[]}""", "messages", "messages: At least one message is required")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"system","content":"Hi"}]}""", "messages.0.role", "messages.0.role: Input should be 'user' or 'assistant'")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user"}]}""", "messages.0.content", "messages.0.content: Input should be a valid string or a list of content blocks")]
    [InlineData("""{"model":"m","max_tokens":10,"stream":"yes","messages":[{"role":"user","content":"Hi"}]}""", "stream", "stream: Input should be a valid boolean")]
    [InlineData("""{"model":"m","max_tokens":10,"stop_sequences":"END","messages":[{"role":"user","content":"Hi"}]}""", "stop_sequences", "stop_sequences: Input should be a valid list")]
    [InlineData("""{"model":"m","max_tokens":10,"thinking":{"type":"enabled"},"messages":[{"role":"user","content":"Hi"}]}""", "thinking.budget_tokens", "thinking.budget_tokens: Field required")]
    public void WriteChatRequest_InvalidRequest_ReturnsInvalidRequestErrorNamingTheField(string request, string param, string message)
    {
        var error = TranslateError(request);

        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal(param, error.Param);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void WriteChatRequest_UnsupportedBlockType_ReturnsErrorNamingTheBlock()
    {
        var error = TranslateError("""
            {"model":"m","max_tokens":10,"messages":[
              {"role":"user","content":"Search"},
              {"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{"query":"x"}}]}
            ]}
            """);

        Assert.Equal("messages.1.content.0.type", error.Param);
        Assert.Contains("server_tool_use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteChatRequest_ToolResultWithoutId_ReturnsError()
    {
        var error = TranslateError("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}
            """);

        Assert.Equal("messages.0.content.0.tool_use_id", error.Param);
    }

    [Fact]
    public void WriteChatRequest_NotAnObject_ReturnsError()
    {
        using var document = JsonDocument.Parse("[1,2]");
        using var writer = new Utf8JsonWriter(new ArrayBufferWriter<byte>());

        var error = AnthropicInboundRequest.WriteChatRequest(document.RootElement, writer, out _);

        Assert.NotNull(error);
        Assert.Null(error.Param);
    }

    [Fact]
    public void WriteChatRequest_ToolRoundTrip_MatchesTheRecordedChatRequest()
    {
        // The second request of an Anthropic SDK tool loop (streaming, system blocks, a tool, a tool result), and the
        // chat request an OpenAI upstream should receive for it, byte for byte.
        var output = TranslateToString("""
            {
              "model": "claude-sonnet-4-5-20250929",
              "max_tokens": 1024,
              "stream": true,
              "system": [{"type": "text", "text": "You are a weather bot.", "cache_control": {"type": "ephemeral"}}],
              "tools": [{"name": "get_weather", "description": "Current weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
              "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
              "metadata": {"user_id": "user-42"},
              "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": [
                  {"type": "text", "text": "Let me check."},
                  {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}}
                ]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": "18°C, sunny"}]}
              ]
            }
            """);

        Assert.Equal(
            "{\"model\":\"claude-sonnet-4-5-20250929\",\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a weather bot.\"},"
            + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
            + "{\"role\":\"assistant\",\"content\":\"Let me check.\",\"tool_calls\":[{\"id\":\"toolu_01\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_01\",\"content\":\"18°C, sunny\"}],"
            + "\"max_tokens\":1024,\"stream\":true,\"stream_options\":{\"include_usage\":true},\"user\":\"user-42\","
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}],"
            + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false}",
            output);
    }

    [Theory]
    [InlineData("""{"name":"f","type":5,"input_schema":{"type":"object"}}""", "tools.0.type")]
    [InlineData("""{"name":"f"}""", "tools.0.input_schema")]
    [InlineData("""{"input_schema":{"type":"object"}}""", "tools.0.name")]
    public void WriteChatRequest_MalformedTool_ReturnsErrorRatherThanThrowing(string tool, string param)
    {
        var error = TranslateError($$$"""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],"tools":[{{{tool}}}]}""");

        Assert.Equal(param, error.Param);
    }

    [Theory]
    [InlineData("""{"type":"image","source":{"type":7}}""", "messages.0.content.0.source.type")]
    [InlineData("""{"type":"image"}""", "messages.0.content.0.source")]
    [InlineData("""{"type":"image","source":{"type":"base64","data":"AAAA"}}""", "messages.0.content.0.source.media_type")]
    [InlineData("""{"type":"text"}""", "messages.0.content.0.text")]
    [InlineData("""{"type":3}""", "messages.0.content.0")]
    [InlineData("""{"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}""", "messages.0.content.0.source.type")]
    public void WriteChatRequest_MalformedUserBlock_ReturnsErrorRatherThanThrowing(string block, string param)
    {
        var error = TranslateError($$$"""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{{{block}}}]}]}""");

        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void WriteChatRequest_UnsupportedBlockInToolResult_NamesTheInnerBlock()
    {
        var error = TranslateError("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
              {"type":"text","text":"see"},
              {"type":"tool_result","tool_use_id":"toolu_01","content":[{"type":"search_result","source":"https://x","title":"x","content":[]}]}]}]}
            """);

        Assert.Equal("messages.0.content.1.content.0.type", error.Param);
    }

    private static JsonElement Translate(string request) => Translate(request, out _);

    private static JsonElement Translate(string request, out InboundRequestInfo info)
    {
        using var document = JsonDocument.Parse(request);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            var error = AnthropicInboundRequest.WriteChatRequest(document.RootElement, writer, out info);
            Assert.Null(error);
        }

        using var result = JsonDocument.Parse(output.WrittenMemory);
        return result.RootElement.Clone();
    }

    private static string TranslateToString(string request)
    {
        using var document = JsonDocument.Parse(request);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Tollgate.Api.JsonOutput.WriterOptions))
        {
            Assert.Null(AnthropicInboundRequest.WriteChatRequest(document.RootElement, writer, out _));
        }

        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static InboundError TranslateError(string request)
    {
        using var document = JsonDocument.Parse(request);
        using var writer = new Utf8JsonWriter(new ArrayBufferWriter<byte>());
        var error = AnthropicInboundRequest.WriteChatRequest(document.RootElement, writer, out _);
        Assert.NotNull(error);
        return error;
    }
}
