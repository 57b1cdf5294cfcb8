namespace Tollgate.Configuration;

/// <summary>
/// <c>cache.semantic</c>: the last user turn embedded through <see cref="EmbeddingModel"/> (routed by the gateway itself);
/// an answer is reused when a new turn in the same context and scope is at least <see cref="Threshold"/> similar (cosine).
/// </summary>
public sealed record SemanticCacheConfig
{
    public bool Enabled { get; init; }

    /// <summary>A routable embedding model, <c>provider/model</c>.</summary>
    public string? EmbeddingModel { get; init; }

    public double Threshold { get; init; } = 0.95;

    public int TtlSeconds { get; init; } = 300;

    public CacheScope Scope { get; init; } = CacheScope.VirtualKey;

    /// <summary>Vectors the in-process index holds before it drops the oldest.</summary>
    public int MaxEntries { get; init; } = 100_000;
}
