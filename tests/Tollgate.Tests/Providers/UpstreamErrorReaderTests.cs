using Tollgate.Providers;

namespace Tollgate.Tests.Providers;

public sealed class UpstreamErrorReaderTests
{
    [Fact]
    public void Read_DatabricksNumericErrorCode_BecomesStringCode()
    {
        var error = UpstreamErrorReader.Read(429, """{"error_code":429,"message":"Exceeded workspace rate limit"}"""u8, "databricks", 2);

        Assert.Equal(429, error.Status);
        Assert.Equal("429", error.Code);
        Assert.Equal("Exceeded workspace rate limit", error.Message);
        Assert.Equal("rate_limit_error", error.Type);
        Assert.Equal(2, error.RetryAfterSeconds);
        Assert.True(error.Retryable);
    }

    [Fact]
    public void Read_DatabricksStringErrorCode_IsKept()
    {
        var error = UpstreamErrorReader.Read(400, """{"error_code":"BAD_REQUEST","message":"stream_options is not supported"}"""u8, "databricks", null);

        Assert.Equal("BAD_REQUEST", error.Code);
        Assert.False(error.Retryable);
    }

    [Fact]
    public void Read_OpenAIError_KeepsTypeCodeAndParam()
    {
        var error = UpstreamErrorReader.Read(400, """{"error":{"message":"bad temp","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}"""u8, "openai", null);

        Assert.Equal(("bad temp", "invalid_request_error", "invalid_value", "temperature"), (error.Message, error.Type, error.Code, error.Param));
    }

    [Fact]
    public void Read_AnthropicError_UsesItsTypeAsCode()
    {
        var error = UpstreamErrorReader.Read(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""u8, "anthropic", null);

        Assert.Equal("Overloaded", error.Message);
        Assert.Equal("overloaded_error", error.Code);
        Assert.True(error.Retryable);
    }

    [Fact]
    public void Read_HtmlBody_GivesGenericMessage()
    {
        var error = UpstreamErrorReader.Read(502, "<html><body>Bad gateway</body></html>"u8, "openai", null);

        Assert.Equal("Upstream provider 'openai' returned HTTP 502.", error.Message);
        Assert.Equal("server_error", error.Type);
    }
}
