namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Latency percentiles in constant memory: log-scale buckets 1% wide from 0.01 ms to about 12 days, so a percentile
/// is within 1% of the exact nearest-rank value. Sorting the range's latencies would be exact but needs memory in
/// proportion to the rows (8 MB per million), which a 30-day stats request on a busy gateway must not cost.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Growth = 1.01;
    private const double Floor = 0.01;
    private static readonly double LogGrowth = Math.Log(Growth);
    private static readonly int BucketCount = (int)Math.Ceiling(Math.Log(1e9 / Floor) / LogGrowth) + 2;

    private readonly long[] _counts = new long[BucketCount];
    private double _min = double.MaxValue;
    private double _max;

    public long Count { get; private set; }

    public void Add(double latencyMs)
    {
        if (double.IsNaN(latencyMs))
        {
            return;
        }

        _counts[Index(latencyMs)]++;
        Count++;
        _min = Math.Min(_min, latencyMs);
        _max = Math.Max(_max, latencyMs);
    }

    /// <summary>The nearest-rank percentile (0 &lt; <paramref name="p"/> ≤ 1), within 1%; 0 when empty.</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(p * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                // The end buckets are open-ended: the smallest or largest value seen is the best estimate there.
                if (i == 0)
                {
                    return _min;
                }

                if (i == _counts.Length - 1)
                {
                    return _max;
                }

                // The bucket's geometric middle, clamped to what was seen, so one value reads back as itself.
                return Math.Round(Math.Clamp(Floor * Math.Pow(Growth, i - 0.5), _min, _max), 3);
            }
        }

        return _max;
    }

    private static int Index(double latencyMs)
    {
        if (latencyMs <= Floor)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(Math.Log(latencyMs / Floor) / LogGrowth);
        return Math.Min(index, BucketCount - 1);
    }
}
