using StackExchange.Redis;
using Tollgate.Configuration;

namespace Tollgate.Caching;

/// <summary>The store <c>cache.backend</c> names, asked per call so a config reload switches it: Redis when configured
/// (or <c>auto</c> with <c>TOLLGATE_REDIS</c> set), else this node's memory.</summary>
internal sealed class CacheStore(GatewayConfigMonitor config, MemoryCacheStore memory, IServiceProvider services) : ICacheStore
{
    private readonly Lazy<RedisCacheStore?> _redis = new(() =>
        services.GetService<IConnectionMultiplexer>() is { } multiplexer ? new RedisCacheStore(multiplexer, config) : null);

    public (long Count, long Bytes) Size => Current.Size;

    private ICacheStore Current => config.Current.Cache.Backend switch
    {
        CacheBackend.Memory => memory,
        CacheBackend.Redis => _redis.Value ?? throw new InvalidOperationException("cache.backend is \"redis\" but TOLLGATE_REDIS is not set"),
        _ => (ICacheStore?)_redis.Value ?? memory,
    };

    public ValueTask<CacheItem?> GetAsync(UInt128 key, CancellationToken cancellationToken) => Current.GetAsync(key, cancellationToken);

    public ValueTask SetAsync(UInt128 key, CacheItem item, TimeSpan ttl) => Current.SetAsync(key, item, ttl);
}
