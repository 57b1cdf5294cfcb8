using System.Collections.Concurrent;

namespace Tollgate.Routing;

/// <summary>
/// Health per <c>provider/model</c> route, with the same counters and score as a key's (<see cref="KeyHealth"/>),
/// created on first use. Routing rules scale their targets' weights by it, so a split like 90/10 drains away from
/// a target that starts failing and comes back when it recovers.
/// </summary>
internal sealed class RouteHealthRegistry
{
    private readonly ConcurrentDictionary<string, KeyHealth> _routes = new(StringComparer.Ordinal);

    public KeyHealth For(string provider, string model) =>
        _routes.GetOrAdd($"{provider}/{model}", static (route, provider) => new KeyHealth(provider, route, 1, HealthOptions.Default), provider);

    /// <summary>The route's health factor (effective ÷ configured weight), 1 for a route never seen.</summary>
    public double Factor(string route) => _routes.TryGetValue(route, out var health) ? health.EffectiveWeight : 1;

    public IReadOnlyCollection<KeyHealth> All => [.. _routes.Values];
}
