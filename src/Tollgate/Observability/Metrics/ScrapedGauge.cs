using Prometheus;

namespace Tollgate.Observability.Metrics;

/// <summary>
/// A two-label gauge refilled at every scrape. Series not set during a refill are removed, so a deleted budget or
/// key stops being exported instead of freezing at its last value. Callers serialise refills.
/// </summary>
internal sealed class ScrapedGauge(Gauge gauge)
{
    private Dictionary<(string, string), Gauge.Child> _live = [];
    private Dictionary<(string, string), Gauge.Child> _next = [];

    public void Set(string first, string second, double value)
    {
        var key = (first, second);
        if (!_live.Remove(key, out var child))
        {
            child = gauge.WithLabels(first, second);
        }

        child.Set(value);
        _next[key] = child;
    }

    /// <summary>Ends a refill: what was not set since the last one is unpublished.</summary>
    public void Sweep()
    {
        foreach (var stale in _live.Values)
        {
            stale.Remove();
        }

        _live.Clear();
        (_live, _next) = (_next, _live);
    }
}
