using System.Buffers;
using System.Text;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Tests.Providers.Anthropic;

public sealed class AnthropicResponseReaderTests
{
    private const string ResponseModel = "claude-sonnet";
    private const long Created = 1_700_000_000;

    [Fact]
    public void WriteChatCompletion_TextToolUseAndCacheUsage_BecomeOpenAICompletion()
    {
        var (completion, usage) = Translate("""
            {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[
               {"type":"text","text":"Let me check the weather."},
               {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{ "city": "Paris", "units": "celsius" }}
             ],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":100,"cache_creation_input_tokens":20,"cache_read_input_tokens":300,"output_tokens":50}}
            """);

        Assert.Equal("msg_01XFDUDYJgAACzvnptvVoYEL", completion.GetProperty("id").GetString());
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal(Created, completion.GetProperty("created").GetInt64());
        Assert.Equal(ResponseModel, completion.GetProperty("model").GetString());

        var choice = Assert.Single(completion.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);

        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("Let me check the weather.", message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("reasoning_content", out _));

        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris","units":"celsius"}""", call.GetProperty("function").GetProperty("arguments").GetString());

        var usageJson = completion.GetProperty("usage");
        Assert.Equal(420, usageJson.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(50, usageJson.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(470, usageJson.GetProperty("total_tokens").GetInt32());
        Assert.Equal(300, usageJson.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());

        Assert.Equal(new TokenUsage(PromptTokens: 420, CompletionTokens: 50, CachedTokens: 300, CacheWriteTokens: 20), usage);
    }

    [Theory]
    [InlineData("\"end_turn\"", "stop")]
    [InlineData("\"stop_sequence\"", "stop")]
    [InlineData("\"pause_turn\"", "stop")]
    [InlineData("\"max_tokens\"", "length")]
    [InlineData("\"tool_use\"", "tool_calls")]
    [InlineData("\"refusal\"", "content_filter")]
    [InlineData("null", null)]
    public void WriteChatCompletion_StopReason_MapsToFinishReason(string stopReason, string? finishReason)
    {
        var (completion, _) = Translate($$$"""
            {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"x"}],"stop_reason":{{{stopReason}}},
             "usage":{"input_tokens":1,"output_tokens":1}}
            """);

        Assert.Equal(finishReason, completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void WriteChatCompletion_SeveralTextBlocks_AreJoinedWithEscapesIntact()
    {
        var (completion, _) = Translate("""
            {"id":"msg_1","type":"message","role":"assistant","content":[
              {"type":"text","text":"Say \"hi\"\n"},
              {"type":"tool_use","id":"toolu_1","name":"f","input":{}},
              {"type":"text","text":"na\u00efve \ud83d\ude80 caf\u00e9"}
            ],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":4}}
            """);

        Assert.Equal("Say \"hi\"\nnaïve 🚀 café", completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatCompletion_OnlyToolUse_HasNullContentAndEmptyObjectArguments()
    {
        var (completion, _) = Translate("""
            {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_time","input":{}}],
             "stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":4}}
            """);

        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal("{}", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public void WriteChatCompletion_TextOnly_HasNoToolCalls()
    {
        var (completion, usage) = Translate("""
            {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Hello!"}],
             "stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":3}}
            """);

        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.False(message.TryGetProperty("tool_calls", out _));
        Assert.Equal(new TokenUsage(10, 3), usage);
        Assert.Equal(0, completion.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public void WriteChatCompletion_ThinkingBlocks_BecomeReasoningContent()
    {
        var (completion, _) = Translate("""
            {"id":"msg_1","type":"message","role":"assistant","content":[
              {"type":"thinking","thinking":"First, 2+2. ","signature":"EqQBCgIYAhIM"},
              {"type":"redacted_thinking","data":"EmwKAhgBEgy3"},
              {"type":"thinking","thinking":"It is 4.","signature":"EqQBCgIYAhIN"},
              {"type":"text","text":"4"}
            ],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":30}}
            """);

        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("First, 2+2. It is 4.", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("4", message.GetProperty("content").GetString());
    }

    [Fact]
    public void WriteChatCompletion_BodyThatIsNotAnObject_Throws()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(output);

        Assert.ThrowsAny<JsonException>(() => AnthropicResponseReader.WriteChatCompletion("[1]"u8, ResponseModel, Created, writer));
    }

    private static (JsonElement Completion, TokenUsage Usage) Translate(string anthropicMessage)
    {
        var output = new ArrayBufferWriter<byte>();
        TokenUsage usage;
        using (var writer = new Utf8JsonWriter(output))
        {
            usage = AnthropicResponseReader.WriteChatCompletion(Encoding.UTF8.GetBytes(anthropicMessage), ResponseModel, Created, writer);
        }

        using var document = JsonDocument.Parse(output.WrittenMemory);
        return (document.RootElement.Clone(), usage);
    }
}
