using System.Text;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Tests.Pipeline;

public sealed class RequestSnifferTests
{
    [Fact]
    public void TrySniff_ReadsRoutingFields_SkippingNestedLookalikes()
    {
        // A nested "model" and "stream" inside messages/tools must not be mistaken for the top-level ones.
        const string body = """{"messages":[{"role":"user","content":"x","model":"nested"}],"tools":[{"stream":true}],"model":"databricks/m","stream":true,"stream_options":{"include_usage":true},"max_tokens":64,"fallbacks":["a/b"]}""";

        Assert.True(RequestSniffer.TrySniff(Encoding.UTF8.GetBytes(body), out var sniff, out _));

        Assert.Equal("databricks/m", sniff.Model);
        Assert.True(sniff.Stream);
        Assert.True(sniff.IncludeUsage);
        Assert.True(sniff.HasFallbacks);
        Assert.Equal(64, sniff.MaxTokens);
    }

    [Theory]
    [InlineData("{\"model\": ")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    [InlineData("{\"model\": 42}")]
    public void TrySniff_BadBody_ReturnsError(string body)
    {
        Assert.False(RequestSniffer.TrySniff(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("""{"model":"m","stream":"yes"}""", "'stream' must be a boolean")]
    [InlineData("""{"model":"m","stream":1}""", "'stream' must be a boolean")]
    [InlineData("""{"model":"m","stream_options":{"include_usage":"true"}}""", "'stream_options.include_usage' must be a boolean")]
    [InlineData("""{"model":"m","stream_options":"all"}""", "'stream_options' must be an object")]
    [InlineData("""{"model":"\ud800"}""", "'model' is not valid Unicode text")]
    [InlineData("""{"model":"m","fallbacks":["x\udc00"]}""", "'fallbacks' is not valid Unicode text")]
    [InlineData("""{"model":"m","metadata":{"\ud800":"v"}}""", "'metadata' is not valid Unicode text")]
    [InlineData("""{"model":"m","encoding_format":"\ud800"}""", "not valid Unicode")]
    [InlineData("""{"model":"m","model":"other"}""", "'model' appears more than once")]
    [InlineData("""{"model":"m","stream":false,"stream":true}""", "'stream' appears more than once")]
    [InlineData("""{"model":"m","messages":[],"messages":[]}""", "'messages' appears more than once")]
    [InlineData("""{"model":"m","max_tokens":1e999}""", "'max_tokens' must be a non-negative integer")]
    [InlineData("""{"model":"m","max_tokens":-1}""", "'max_tokens' must be a non-negative integer")]
    [InlineData("""{"model":"m","max_completion_tokens":"16"}""", "'max_completion_tokens' must be a non-negative integer")]
    [InlineData("""{"model":"m","encoding_format":7}""", "'encoding_format' must be a string")]
    public void TrySniff_FieldItReadsIsMalformed_ReturnsAnErrorNamingIt(string body, string expected)
    {
        Assert.False(RequestSniffer.TrySniff(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySniff_ModelLongerThanAnyProviderUses_IsRefused()
    {
        var body = $$"""{"model":"{{new string('m', RequestSniffer.MaxModelLength + 1)}}"}""";

        Assert.False(RequestSniffer.TrySniff(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.Contains("longer than", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySniff_NullStreamAndBothTokenLimits_AreAccepted()
    {
        Assert.True(RequestSniffer.TrySniff("""{"model":"m","stream":null,"stream_options":null,"max_tokens":8,"max_completion_tokens":16}"""u8, out var sniff, out var error), error);
        Assert.False(sniff.Stream);
        Assert.Equal(16, sniff.MaxTokens);
    }

    [Fact]
    public void TrySniff_EncodingFormatBase64_IsDetected()
    {
        Assert.True(RequestSniffer.TrySniff("""{"model":"m","input":"a","encoding_format":"base64"}"""u8, out var sniff, out _));
        Assert.True(sniff.WantsBase64);
    }
}
