using System.Text;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Tests.Pipeline;

public sealed class BodyRewriterTests
{
    private static JsonElement Rewrite(string body, BodyRewrite rewrite)
    {
        using var output = new PooledBufferWriter();
        BodyRewriter.Rewrite(Encoding.UTF8.GetBytes(body), rewrite, output);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void Rewrite_ReplacesModel_AndKeepsEveryOtherFieldByteForByte()
    {
        const string body = """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"h\u00e9llo \"q\""}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto","response_format":{"type":"json_object"},"n":2,"stop":["x"],"seed":7,"logprobs":true,"user":"u1","x_unknown":{"deep":[1,2.50,null]}}""";

        var result = Rewrite(body, new BodyRewrite { Model = "gpt-4o-mini" });

        Assert.Equal("gpt-4o-mini", result.GetProperty("model").GetString());
        using var original = JsonDocument.Parse(body);
        foreach (var property in original.RootElement.EnumerateObject().Where(p => p.Name != "model"))
        {
            Assert.Equal(property.Value.GetRawText(), result.GetProperty(property.Name).GetRawText());
        }
    }

    [Fact]
    public void Rewrite_RemovesFallbacksAndModelForInvocations()
    {
        var result = Rewrite("""{"model":"databricks/x","fallbacks":["openai/gpt-4o"],"messages":[]}""", new BodyRewrite { Model = null });

        Assert.False(result.TryGetProperty("model", out _));
        Assert.False(result.TryGetProperty("fallbacks", out _));
        Assert.True(result.TryGetProperty("messages", out _));
    }

    [Fact]
    public void Rewrite_ForceIncludeUsage_AddsStreamOptionsWhenAbsent()
    {
        var result = Rewrite("""{"model":"m","stream":true}""", new BodyRewrite { Model = "m", StreamOptions = StreamOptionsAction.ForceIncludeUsage });

        Assert.True(result.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public void Rewrite_ForceIncludeUsage_KeepsOtherStreamOptions()
    {
        var result = Rewrite("""{"model":"m","stream_options":{"include_usage":false,"include_obfuscation":false}}""",
            new BodyRewrite { Model = "m", StreamOptions = StreamOptionsAction.ForceIncludeUsage });

        var options = result.GetProperty("stream_options");
        Assert.True(options.GetProperty("include_usage").GetBoolean());
        Assert.False(options.GetProperty("include_obfuscation").GetBoolean());
    }

    [Fact]
    public void Rewrite_RemoveStreamOptions_DropsIt()
    {
        var result = Rewrite("""{"model":"m","stream":true,"stream_options":{"include_usage":true}}""",
            new BodyRewrite { Model = "m", StreamOptions = StreamOptionsAction.Remove });

        Assert.False(result.TryGetProperty("stream_options", out _));
        Assert.True(result.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public void Rewrite_RemoveEncodingFormat_DropsOnlyThatField()
    {
        var result = Rewrite("""{"model":"m","input":["a"],"encoding_format":"base64","dimensions":8}""",
            new BodyRewrite { Model = "m", RemoveEncodingFormat = true });

        Assert.False(result.TryGetProperty("encoding_format", out _));
        Assert.Equal(8, result.GetProperty("dimensions").GetInt32());
    }
}
