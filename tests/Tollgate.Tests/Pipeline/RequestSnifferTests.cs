using System.Text;
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

    [Fact]
    public void TrySniff_EncodingFormatBase64_IsDetected()
    {
        Assert.True(RequestSniffer.TrySniff("""{"model":"m","input":"a","encoding_format":"base64"}"""u8, out var sniff, out _));
        Assert.True(sniff.WantsBase64);
    }
}
