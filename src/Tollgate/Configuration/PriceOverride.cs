namespace Tollgate.Configuration;

/// <summary>A price override in USD per million tokens (the unit is in every name, see Bifrost #5243).</summary>
public sealed record PriceOverride
{
    public double? InputPerMTok { get; init; }

    public double? OutputPerMTok { get; init; }

    public double? CachedInputPerMTok { get; init; }

    public double? CacheWritePerMTok { get; init; }
}
