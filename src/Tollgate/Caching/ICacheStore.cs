namespace Tollgate.Caching;

/// <summary>Where the exact cache keeps answers: memory on one node (<see cref="MemoryCacheStore"/>) or Redis for a cluster.</summary>
internal interface ICacheStore
{
    /// <summary>The item under <paramref name="key"/>, or null; an expired item may be returned (the caller checks the clock).</summary>
    ValueTask<CacheItem?> GetAsync(UInt128 key, CancellationToken cancellationToken);

    /// <summary>Stores the item; never throws for a store that is down (a cache that cannot store just misses later).</summary>
    ValueTask SetAsync(UInt128 key, CacheItem item, TimeSpan ttl);

    /// <summary>Items and bytes held (this node's share for a shared store: unknown, so zero).</summary>
    (long Count, long Bytes) Size { get; }
}
