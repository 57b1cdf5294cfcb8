using Tollgate.Inference;

namespace Tollgate.Governance.Pricing;

/// <summary>
/// Turns tokens into dollars, exactly: all decimal, no double anywhere between the price list and the budget.
/// </summary>
/// <remarks>
/// Budgets reserve <see cref="WorstCase"/> at admission and settle <see cref="Cost"/> afterwards, both as integer
/// nano-dollars (<see cref="ToNanoUsd"/>) so the counters can be plain interlocked longs.
/// </remarks>
internal static class CostCalculator
{
    /// <summary>
    /// Costs are rounded to 10 decimal places, a tenth of a nano-dollar: finer than the nano-dollar budget counters,
    /// so the only rounding that matters is the one <see cref="ToNanoUsd"/> makes. (An exact cost has at most 12
    /// places: 6 in a per-million price, 6 from dividing by a million.)
    /// </summary>
    public const int CostDecimals = 10;

    /// <summary>Output tokens assumed for a request with no max_tokens on a model whose limit is unknown.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    private const decimal TokensPerMillion = 1_000_000m;
    private const decimal NanoPerUsd = 1_000_000_000m;
    private const decimal MaxUsdAsNano = long.MaxValue / NanoPerUsd;
    private const decimal MinUsdAsNano = long.MinValue / NanoPerUsd;

    /// <summary>
    /// What a finished call cost. <see cref="TokenUsage.PromptTokens"/> includes the cached and cache-write tokens
    /// (OpenAI's convention; the Anthropic adapter adds them in), so those are taken out of the prompt and billed at
    /// their own prices: cache reads at <see cref="ModelPrice.CachedInputPerMTok"/>, cache writes at
    /// <see cref="ModelPrice.CacheWritePerMTok"/> (each falling back to the input price), the rest of the prompt at
    /// the input price, completion at the output price. Bifrost billed cached tokens at the full input price
    /// (maximhq/bifrost#904) and later charged cache writes twice (maximhq/bifrost#3451); the tests pin both cases.
    /// </summary>
    public static decimal Cost(ModelPrice price, TokenUsage usage)
    {
        long cached = Math.Max(0, usage.CachedTokens);
        long cacheWrite = Math.Max(0, usage.CacheWriteTokens);
        long completion = Math.Max(0, usage.CompletionTokens);

        // If an upstream's counts do not add up, the cache counts are the more specific figures: bill them and never
        // a negative remainder.
        var uncached = Math.Max(0, (long)usage.PromptTokens - cached - cacheWrite);

        var usdTimesMillion = (uncached * price.InputPerMTok)
            + (cached * (price.CachedInputPerMTok ?? price.InputPerMTok))
            + (cacheWrite * (price.CacheWritePerMTok ?? price.InputPerMTok))
            + (completion * price.OutputPerMTok);
        return Round(usdTimesMillion / TokensPerMillion);
    }

    /// <summary>
    /// The most a call can cost before it runs: every estimated input token at the input price (no cache discount)
    /// plus the output the call may generate, <c>max_tokens</c> or else the model's output limit or else
    /// <see cref="DefaultMaxOutputTokens"/>, at the output price. A <c>max_tokens</c> above the model's limit is
    /// capped to it: the model cannot produce more, and reserving more would only block budgets for nothing.
    /// </summary>
    /// <remarks>
    /// A prompt that writes the cache bills its input at the cache-write price (1.25x input on Anthropic), which this
    /// does not assume; the output half of the reservation normally dwarfs the difference, and settlement corrects it.
    /// </remarks>
    public static decimal WorstCase(ModelPrice price, int estimatedInputTokens, int? maxTokens)
    {
        long output = Math.Max(0, maxTokens ?? price.MaxOutputTokens ?? DefaultMaxOutputTokens);
        if (price.MaxOutputTokens is { } limit && output > limit)
        {
            output = limit;
        }

        long input = Math.Max(0, estimatedInputTokens);
        return Round(((input * price.InputPerMTok) + (output * price.OutputPerMTok)) / TokensPerMillion);
    }

    /// <summary>
    /// USD as integer nano-dollars. Reservations round up (<paramref name="roundUp"/>: towards +infinity) so a budget
    /// never admits more than it holds; settlements round to nearest, ties to even, so rounding does not drift a
    /// budget in either direction over millions of calls. Saturates at the range of <see cref="long"/>.
    /// </summary>
    public static long ToNanoUsd(decimal usd, bool roundUp)
    {
        if (usd >= MaxUsdAsNano)
        {
            return long.MaxValue;
        }

        if (usd <= MinUsdAsNano)
        {
            return long.MinValue;
        }

        var nano = usd * NanoPerUsd;
        return (long)(roundUp ? decimal.Ceiling(nano) : decimal.Round(nano, MidpointRounding.ToEven));
    }

    /// <summary>Nano-dollars back to USD; exact.</summary>
    public static decimal FromNanoUsd(long nano) => nano / NanoPerUsd;

    private static decimal Round(decimal usd) => decimal.Round(usd, CostDecimals, MidpointRounding.ToEven);
}
