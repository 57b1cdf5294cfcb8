namespace Tollgate.Configuration;

/// <summary>Where cached answers live (<c>cache.backend</c>).</summary>
public enum CacheBackend
{
    /// <summary>Redis when <c>TOLLGATE_REDIS</c> is set, else memory.</summary>
    Auto,

    Memory,

    Redis,
}
