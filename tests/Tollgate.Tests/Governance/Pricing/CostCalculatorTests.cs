using Tollgate.Governance.Pricing;
using Tollgate.Inference;
using Tollgate.Providers;

namespace Tollgate.Tests.Governance.Pricing;

public sealed class CostCalculatorTests
{
    private static ModelPrice Shipped(string key) => PriceCatalog.Shipped.ShippedEntries[key];

    [Fact]
    public void Cost_GptFourOMiniWithCachedTokens_BillsTheCachedPartAtTheCachedPriceOnly()
    {
        // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per 1M tokens.
        // prompt_tokens 10,000 of which 8,000 were cache hits; 500 completion tokens.
        //   uncached  2,000 x 0.15  =   300
        //   cached    8,000 x 0.075 =   600
        //   output      500 x 0.60  =   300
        //                             1,200 USD per 1M tokens -> $0.0012
        // Billing the cached tokens at the input price, as Bifrost did (maximhq/bifrost#904), gives
        // 10,000 x 0.15 + 500 x 0.60 = 1,800 -> $0.0018; also adding them at the cached price gives $0.0024.
        var usage = new TokenUsage(PromptTokens: 10_000, CompletionTokens: 500, CachedTokens: 8_000);

        Assert.Equal(0.0012m, CostCalculator.Cost(Shipped("openai/gpt-4o-mini"), usage));
    }

    [Fact]
    public void Cost_TheCallFromBifrostIssue904_CostsWhatTheReporterWorkedOut()
    {
        // maximhq/bifrost#904, gpt-5 ($1.25 input, $0.125 cached, $10 output per 1M): 51,232 uncached input tokens,
        // 1,188,096 cached, 12,909 output. "The correct cost ... should be approximately $0.34"; Bifrost said ~$1.68.
        //   uncached     51,232 x  1.25  =  64,040
        //   cached    1,188,096 x  0.125 = 148,512
        //   output       12,909 x 10.00  = 129,090
        //                                  341,642 USD per 1M tokens -> $0.341642
        var usage = new TokenUsage(PromptTokens: 51_232 + 1_188_096, CompletionTokens: 12_909, CachedTokens: 1_188_096);

        Assert.Equal(0.341642m, CostCalculator.Cost(Shipped("openai/gpt-5"), usage));
    }

    [Fact]
    public void Cost_ClaudeSonnetWithCacheReadsAndWrites_BillsEachAtItsOwnPrice()
    {
        // claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 cache write (5 min), $15 output per 1M tokens.
        // prompt 15,000 = 1,000 uncached + 10,000 cache reads + 4,000 cache writes; 800 completion tokens.
        //   uncached   1,000 x  3.00 =  3,000
        //   reads     10,000 x  0.30 =  3,000
        //   writes     4,000 x  3.75 = 15,000
        //   output       800 x 15.00 = 12,000
        //                              33,000 USD per 1M tokens -> $0.033
        // Charging the writes once more at the input price (maximhq/bifrost#3451) would add 4,000 x 3 -> $0.045.
        var usage = new TokenUsage(PromptTokens: 15_000, CompletionTokens: 800, CachedTokens: 10_000, CacheWriteTokens: 4_000);

        Assert.Equal(0.033m, CostCalculator.Cost(Shipped("anthropic/claude-sonnet-4-5"), usage));
    }

    [Fact]
    public void Cost_WithoutCachePrices_BillsCacheTokensAtTheInputPrice()
    {
        var price = new ModelPrice { InputPerMTok = 0.50m, OutputPerMTok = 1.50m };
        var usage = new TokenUsage(PromptTokens: 1_000, CompletionTokens: 100, CachedTokens: 600, CacheWriteTokens: 200);

        // 1,000 x 0.50 + 100 x 1.50 = 650 -> $0.00065, as if nothing were cached.
        Assert.Equal(0.00065m, CostCalculator.Cost(price, usage));
    }

    [Fact]
    public void Cost_IsRoundedToTenDecimalPlaces()
    {
        var price = new ModelPrice { InputPerMTok = 0.123456m, OutputPerMTok = 0m };

        // One token: 0.000000123456 -> 0.0000001235 (a tenth of a nano-dollar is the last digit kept).
        Assert.Equal(0.0000001235m, CostCalculator.Cost(price, new TokenUsage(1, 0)));
    }

    [Fact]
    public void Cost_CountsThatDoNotAddUp_NeverGoNegative()
    {
        var price = new ModelPrice { InputPerMTok = 1m, OutputPerMTok = 2m, CachedInputPerMTok = 0.5m };

        // 300 cache hits reported against 100 prompt tokens: bill the 300 hits, no negative remainder.
        Assert.Equal(0.00015m, CostCalculator.Cost(price, new TokenUsage(PromptTokens: 100, CompletionTokens: 0, CachedTokens: 300)));
        Assert.Equal(0m, CostCalculator.Cost(price, new TokenUsage(-5, -5, -5, -5)));
    }

    [Fact]
    public void Cost_LargeCallsStayExact()
    {
        // 2 billion prompt tokens at $15: far beyond any real call, still exact in decimal.
        var usage = new TokenUsage(PromptTokens: 2_000_000_000, CompletionTokens: 0);

        Assert.Equal(30_000m, CostCalculator.Cost(Shipped("anthropic/claude-opus-4-1"), usage));
    }

    [Fact]
    public void WorstCase_UsesMaxTokensWhenGiven()
    {
        // 1,000 x 0.15 + 500 x 0.60 = 450 -> $0.00045
        Assert.Equal(0.00045m, CostCalculator.WorstCase(Shipped("openai/gpt-4o-mini"), 1_000, 500));
    }

    [Fact]
    public void WorstCase_WithoutMaxTokens_AssumesTheModelsOutputLimit()
    {
        // 1,000 x 0.15 + 16,384 x 0.60 = 150 + 9,830.4 = 9,980.4 -> $0.0099804
        Assert.Equal(0.0099804m, CostCalculator.WorstCase(Shipped("openai/gpt-4o-mini"), 1_000, null));
    }

    [Fact]
    public void WorstCase_WithoutMaxTokensOrAKnownLimit_Assumes4096OutputTokens()
    {
        var price = Shipped("databricks/databricks-meta-llama-3-3-70b-instruct");
        Assert.Null(price.MaxOutputTokens);

        // 1,000 x 0.50 + 4,096 x 1.50 = 500 + 6,144 = 6,644 -> $0.006644
        Assert.Equal(0.006644m, CostCalculator.WorstCase(price, 1_000, null));
    }

    [Fact]
    public void WorstCase_MaxTokensAboveTheModelsLimit_IsCappedToTheLimit()
    {
        var price = Shipped("openai/gpt-4o-mini");

        Assert.Equal(CostCalculator.WorstCase(price, 1_000, null), CostCalculator.WorstCase(price, 1_000, 1_000_000));
    }

    [Fact]
    public void WorstCase_IsNeverBelowTheActualCostOfACallThatStaysWithinIt()
    {
        var price = Shipped("anthropic/claude-haiku-4-5");
        var reserved = CostCalculator.WorstCase(price, 2_000, 300);
        var actual = CostCalculator.Cost(price, new TokenUsage(PromptTokens: 2_000, CompletionTokens: 300, CachedTokens: 1_500));

        Assert.True(actual <= reserved);
    }

    [Theory]
    [InlineData("0.0000000011", true, 2)]
    [InlineData("0.0000000011", false, 1)]
    [InlineData("0.000000003", true, 3)]
    [InlineData("0.000000003", false, 3)]
    [InlineData("0.0000000015", false, 2)]
    [InlineData("0.0000000025", false, 2)]
    [InlineData("0.0000000001", true, 1)]
    [InlineData("0.0000000001", false, 0)]
    [InlineData("0", true, 0)]
    [InlineData("1.5", false, 1_500_000_000)]
    [InlineData("0.0012", true, 1_200_000)]
    [InlineData("-0.0000000011", true, -1)]
    [InlineData("-0.0000000011", false, -1)]
    public void ToNanoUsd_ReservationsRoundUp_SettlementsRoundToNearestEven(string usd, bool roundUp, long expected)
    {
        Assert.Equal(expected, CostCalculator.ToNanoUsd(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture), roundUp));
    }

    [Fact]
    public void ToNanoUsd_SaturatesInsteadOfOverflowing()
    {
        Assert.Equal(long.MaxValue, CostCalculator.ToNanoUsd(1_000_000_000_000m, roundUp: true));
        Assert.Equal(long.MinValue, CostCalculator.ToNanoUsd(-1_000_000_000_000m, roundUp: false));
        Assert.Equal(long.MaxValue, CostCalculator.ToNanoUsd(decimal.MaxValue, roundUp: false));
    }

    [Fact]
    public void FromNanoUsd_IsExactAndInvertsToNanoUsd()
    {
        Assert.Equal(1.234567891m, CostCalculator.FromNanoUsd(1_234_567_891));
        Assert.Equal(-0.000000001m, CostCalculator.FromNanoUsd(-1));
        foreach (var usd in new[] { 0m, 0.000000001m, 0.0012m, 0.033m, 123.456789012m })
        {
            Assert.Equal(usd, CostCalculator.FromNanoUsd(CostCalculator.ToNanoUsd(usd, roundUp: false)));
            Assert.Equal(usd, CostCalculator.FromNanoUsd(CostCalculator.ToNanoUsd(usd, roundUp: true)));
        }
    }
}
