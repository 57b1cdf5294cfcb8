namespace Tollgate.Configuration;

/// <summary>Who may be served an answer another caller's request put in the cache (<c>cache.*.scope</c>).</summary>
public enum CacheScope
{
    /// <summary>Only the same virtual key (the default: keys never see each other's answers).</summary>
    VirtualKey,

    /// <summary>Every key of the same team (a key without a team keeps its own scope).</summary>
    Team,

    /// <summary>Every caller of the gateway.</summary>
    Global,
}
