using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Tests.Pipeline;

public sealed class GatewayHeadersTests
{
    [Theory]
    [InlineData("openai/gpt-4o-mini")]
    [InlineData("databricks-meta-llama-3-3-70b-instruct")]
    [InlineData("a b:c;d=e,f\"g'h\\i")]
    public void Safe_CleanValue_IsReturnedAsIs(string value)
    {
        Assert.Same(value, HeaderValues.Safe(value));
    }

    [Theory]
    [InlineData("gpt\0mini", "gpt%00mini")]
    [InlineData("a\r\nx-injected: 1", "a%0D%0Ax-injected: 1")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("del\u007f", "del%7F")]
    [InlineData("caf\u00e9", "caf%C3%A9")]
    [InlineData("\ud83d\ude00", "%F0%9F%98%80")]
    public void Safe_ControlOrNonAscii_IsPercentEncodedAsUtf8(string value, string expected)
    {
        Assert.Equal(expected, HeaderValues.Safe(value));
    }

    [Fact]
    public void Safe_LoneSurrogate_BecomesTheReplacementCharacter()
    {
        Assert.Equal("lone%EF%BF%BD", HeaderValues.Safe("lone" + (char)0xD800));
    }
}
