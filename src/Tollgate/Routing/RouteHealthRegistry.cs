using System.Collections.Concurrent;
using Tollgate.Providers;

namespace Tollgate.Routing;

/// <summary>
/// Health per <c>provider/model</c> route, with the same counters and score as a key's (<see cref="KeyHealth"/>),
/// created on first use. Routing rules scale their targets' weights by it, so a split like 90/10 drains away from
/// a target that starts failing and comes back when it recovers.
/// </summary>
internal sealed class RouteHealthRegistry
{
    // Keyed by (provider, model) so the per-attempt lookup builds no string; the display name is made once.
    private readonly ConcurrentDictionary<(string Provider, string Model), KeyHealth> _routes = new();

    public KeyHealth For(string provider, string model) =>
        _routes.GetOrAdd((provider, model), static key => new KeyHealth(key.Provider, $"{key.Provider}/{key.Model}", 1, HealthOptions.Default));

    /// <summary>The health factor (effective ÷ configured weight) of a <c>provider/model</c> route, 1 for one never seen.</summary>
    public double Factor(string route)
    {
        var slash = route.IndexOf('/');
        return slash > 0 && _routes.TryGetValue((route[..slash], route[(slash + 1)..]), out var health) ? health.EffectiveWeight : 1;
    }

    public IReadOnlyCollection<KeyHealth> All => [.. _routes.Values];
}
