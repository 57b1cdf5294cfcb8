using System.Collections.Concurrent;

namespace Tollgate.Observability.Metrics;

/// <summary>
/// Bounds the distinct values one metrics label can take: the first <see cref="MaxValues"/> values pass as they are,
/// later ones become <see cref="Other"/>. Every distinct label value is a new time series in every metric that carries
/// it, so an unbounded label (a model name typed by clients, thousands of virtual keys) would grow Prometheus without
/// limit. Admitted values are never evicted: a series that vanished and came back would read as a counter reset.
/// </summary>
internal sealed class LabelLimiter
{
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, string> _admitted = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _count;
    private volatile int _maxValues;

    public LabelLimiter(int maxValues)
    {
        _maxValues = Math.Max(1, maxValues);
    }

    /// <summary>Values admitted so far at most; lowering it keeps the values already admitted.</summary>
    public int MaxValues
    {
        get => _maxValues;
        set => _maxValues = Math.Max(1, value);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>The label value to report for <paramref name="value"/>: itself while there is room, else <see cref="Other"/>; null is "".</summary>
    public string Admit(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (_admitted.TryGetValue(value, out var known))
        {
            return known;
        }

        lock (_gate)
        {
            if (_admitted.TryGetValue(value, out known))
            {
                return known;
            }

            if (_count >= _maxValues)
            {
                return Other;
            }

            _admitted[value] = value;
            _count++;
            return value;
        }
    }
}
