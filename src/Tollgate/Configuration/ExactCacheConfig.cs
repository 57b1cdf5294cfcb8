namespace Tollgate.Configuration;

/// <summary><c>cache.exact</c>: answers keyed by the normalised request and its scope.</summary>
public sealed record ExactCacheConfig
{
    public bool Enabled { get; init; }

    public int TtlSeconds { get; init; } = 300;

    public CacheScope Scope { get; init; } = CacheScope.VirtualKey;
}
