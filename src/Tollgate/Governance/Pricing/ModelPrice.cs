namespace Tollgate.Governance.Pricing;

/// <summary>
/// What one model costs, in USD per million tokens (the unit is in every name, as in the config file, so nobody
/// multiplies a per-token price by a million twice; Bifrost #5243). Decimal because these numbers become money.
/// </summary>
internal sealed record ModelPrice
{
    public required decimal InputPerMTok { get; init; }

    public required decimal OutputPerMTok { get; init; }

    /// <summary>Prompt-cache reads; null bills them at <see cref="InputPerMTok"/>.</summary>
    public decimal? CachedInputPerMTok { get; init; }

    /// <summary>Prompt-cache writes (Anthropic's 5-minute TTL); null bills them at <see cref="InputPerMTok"/>.</summary>
    public decimal? CacheWritePerMTok { get; init; }

    public int? MaxOutputTokens { get; init; }

    public int? ContextWindow { get; init; }
}
