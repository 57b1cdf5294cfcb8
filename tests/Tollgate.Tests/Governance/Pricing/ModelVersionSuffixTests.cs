using Tollgate.Governance.Pricing;

namespace Tollgate.Tests.Governance.Pricing;

public sealed class ModelVersionSuffixTests
{
    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-sonnet-4-5@20250929", "claude-sonnet-4-5")]
    [InlineData("gpt-3.5-turbo-0125", "gpt-3.5-turbo")]
    [InlineData("claude-3-5-haiku-latest", "claude-3-5-haiku")]
    [InlineData("deepseek-v4-pro-0813", "deepseek-v4-pro")]
    public void Strip_RemovesADateOrLatestSuffix(string model, string alias)
    {
        Assert.Equal(alias, ModelVersionSuffix.Strip(model).ToString());
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("databricks-gemma-3-12b")]
    [InlineData("databricks-meta-llama-3-3-70b-instruct")]
    [InlineData("model-2048")]
    [InlineData("model-1399")]
    [InlineData("model-20251399")]
    [InlineData("model-2024-02-30")]
    [InlineData("2024-07-18")]
    [InlineData("-latest")]
    [InlineData("")]
    public void Strip_LeavesNamesWithoutASnapshotSuffixAlone(string model)
    {
        Assert.Equal(model, ModelVersionSuffix.Strip(model).ToString());
    }
}
