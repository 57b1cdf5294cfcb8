using StackExchange.Redis;
using Tollgate.Cluster;
using Tollgate.Configuration;

namespace Tollgate.Caching;

/// <summary>
/// Answers in Redis (<c>TOLLGATE_REDIS</c>), shared by every instance of a cluster: one string per key under the
/// cluster's key prefix, expiring with the answer's TTL (Redis drops it; the item's own expiry is checked against the
/// injected clock as well). Reads wait at most <c>cluster.redis_timeout_ms</c>; a slow or failed Redis is a miss.
/// </summary>
internal sealed class RedisCacheStore(IConnectionMultiplexer redis, GatewayConfigMonitor config) : ICacheStore
{
    public (long Count, long Bytes) Size => (0, 0);

    private RedisKey KeyOf(UInt128 key) => config.Current.Cluster.RedisKeyPrefix + "cache:" + key.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask<CacheItem?> GetAsync(UInt128 key, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromMilliseconds(config.Current.Cluster.RedisTimeoutMs);
        var value = await redis.GetDatabase().StringGetAsync(KeyOf(key)).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return value.IsNullOrEmpty ? null : CacheItemCodec.Decode((byte[])value!);
    }

    public async ValueTask SetAsync(UInt128 key, CacheItem item, TimeSpan ttl) =>
        await redis.GetDatabase().StringSetAsync(KeyOf(key), CacheItemCodec.Encode(item), ttl).ConfigureAwait(false);
}
