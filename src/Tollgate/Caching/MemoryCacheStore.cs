using Tollgate.Configuration;

namespace Tollgate.Caching;

/// <summary>
/// Answers in this process, bounded by bytes (<c>cache.max_memory_mb</c>): a dictionary to a node of an LRU list, under
/// one lock (a hit is a dictionary lookup and a list move; far below the upstream call it saves). Expired items are
/// dropped when met.
/// </summary>
internal sealed class MemoryCacheStore(GatewayConfigMonitor config, TimeProvider time) : ICacheStore
{
    private readonly Dictionary<UInt128, LinkedListNode<(UInt128 Key, CacheItem Item)>> _items = [];
    private readonly LinkedList<(UInt128 Key, CacheItem Item)> _lru = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public (long Count, long Bytes) Size
    {
        get
        {
            lock (_lock)
            {
                return (_items.Count, _bytes);
            }
        }
    }

    public ValueTask<CacheItem?> GetAsync(UInt128 key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (!_items.TryGetValue(key, out var node))
            {
                return default;
            }

            if (node.Value.Item.ExpiresAtMs <= now)
            {
                Remove(node);
                return default;
            }

            _lru.Remove(node);
            _lru.AddFirst(node);
            return new(node.Value.Item);
        }
    }

    public ValueTask SetAsync(UInt128 key, CacheItem item, TimeSpan ttl)
    {
        var limit = config.Current.Cache.MaxMemoryBytes;
        lock (_lock)
        {
            if (_items.TryGetValue(key, out var existing))
            {
                Remove(existing);
            }

            var node = _lru.AddFirst((key, item));
            _items[key] = node;
            _bytes += item.Answer.Size;
            while (_bytes > limit && _lru.Last is { } oldest)
            {
                Remove(oldest);
            }
        }

        return default;
    }

    private void Remove(LinkedListNode<(UInt128 Key, CacheItem Item)> node)
    {
        _lru.Remove(node);
        _items.Remove(node.Value.Key);
        _bytes -= node.Value.Item.Answer.Size;
    }
}
