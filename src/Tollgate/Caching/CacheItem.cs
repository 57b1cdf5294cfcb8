using Tollgate.Pipeline;

namespace Tollgate.Caching;

/// <summary>A stored answer and when it stops being served (Unix milliseconds, from the injected clock).</summary>
internal sealed record CacheItem(StoredAnswer Answer, long ExpiresAtMs);
