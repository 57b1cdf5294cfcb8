using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Tests.Pipeline;

public sealed class UsageReaderTests
{
    [Fact]
    public void TryRead_OpenAIUsageChunk_ReadsCachedTokensAndEmptyChoices()
    {
        var chunk = """{"id":"c","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":100}}}"""u8;

        Assert.True(UsageReader.MayContainUsage(chunk));
        Assert.True(UsageReader.TryRead(chunk, out var usage, out var emptyChoices));

        Assert.True(emptyChoices);
        Assert.Equal(120, usage.PromptTokens);
        Assert.Equal(30, usage.CompletionTokens);
        Assert.Equal(100, usage.CachedTokens);
    }

    [Fact]
    public void MayContainUsage_NullUsage_IsFalse()
    {
        Assert.False(UsageReader.MayContainUsage("""{"choices":[{"delta":{}}],"usage": null}"""u8));
        Assert.True(UsageReader.MayContainUsage("""{"usage" : {"prompt_tokens":1}}"""u8));
    }

    [Fact]
    public void TryRead_ChunkWithChoices_IsNotEmptyChoices()
    {
        Assert.True(UsageReader.TryRead("""{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1}],"usage":{"prompt_tokens":5,"completion_tokens":2}}"""u8,
            out var usage, out var emptyChoices));
        Assert.False(emptyChoices);
        Assert.Equal(5, usage.PromptTokens);
    }
}
