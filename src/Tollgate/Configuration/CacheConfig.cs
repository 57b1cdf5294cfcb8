namespace Tollgate.Configuration;

/// <summary>
/// The <c>cache</c> section (DESIGN.md, "Cache"): an exact cache keyed by the normalised request, and a semantic cache
/// keyed by an embedding of the last user turn. Off unless a part says <c>enabled</c>.
/// </summary>
public sealed record CacheConfig
{
    public static readonly CacheConfig Off = new();

    public ExactCacheConfig Exact { get; init; } = new();

    public SemanticCacheConfig Semantic { get; init; } = new();

    /// <summary>Bytes the in-memory store may hold before it drops the least recently used answers (<c>max_memory_mb</c>).</summary>
    public long MaxMemoryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Answers larger than this are not cached (<c>max_entry_kb</c>).</summary>
    public int MaxEntryBytes { get; init; } = 1024 * 1024;

    /// <summary>Where answers live: memory on this node, or Redis (<c>TOLLGATE_REDIS</c>) shared by the cluster.</summary>
    public CacheBackend Backend { get; init; } = CacheBackend.Auto;

    /// <summary>When true a hit is billed like the upstream call it replaced; by default a hit costs the caller nothing.</summary>
    public bool ChargeHits { get; init; }

    public bool Enabled => Exact.Enabled || Semantic.Enabled;
}
