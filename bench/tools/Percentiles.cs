using System.Globalization;

namespace Tollgate.Bench.Tools;

/// <summary>Latency samples in microseconds and their nearest-rank percentiles.</summary>
internal static class Percentiles
{
    public static long Of(List<long> sortedMicros, double percentile)
    {
        if (sortedMicros.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sortedMicros.Count) - 1;
        return sortedMicros[Math.Clamp(rank, 0, sortedMicros.Count - 1)];
    }

    public static string Summary(string prefix, List<long> micros)
    {
        micros.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"{prefix}_p50_us={Of(micros, 50)} {prefix}_p90_us={Of(micros, 90)} {prefix}_p99_us={Of(micros, 99)} {prefix}_max_us={(micros.Count == 0 ? 0 : micros[^1])}");
    }

    public static long Micros(long stopwatchTicks) => stopwatchTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency;
}
