namespace Tollgate.Providers;

/// <summary>Tuning of adaptive weights and circuit breaking (the defaults are what the docs describe).</summary>
internal sealed record HealthOptions
{
    public static readonly HealthOptions Default = new();

    /// <summary>Consecutive failures that open a key's circuit.</summary>
    public int FailureThreshold { get; init; } = 5;

    public TimeSpan OpenCooldown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Probe requests let through at once in half-open, and successes needed to close again.</summary>
    public int HalfOpenProbes { get; init; } = 3;

    /// <summary>Weight of the newest second in the error-rate and latency averages (an EWMA per recompute).</summary>
    public double Smoothing { get; init; } = 0.4;

    /// <summary>Share of the gap to its target a recovering key regains per recompute: back gradually, not at once.</summary>
    public double RecoveryRate { get; init; } = 0.25;

    /// <summary>A degraded but closed key keeps at least this share of its weight, so recovery is noticed.</summary>
    public double MinimumShare { get; init; } = 0.02;

    public TimeSpan RecomputeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Added to both sides of the latency ratio so noise does not move weights: keys 1 ms and 3 ms away keep nearly
    /// equal shares (0.96), while 100 ms against 400 ms still cuts the slow one to a third.
    /// </summary>
    public double LatencySlackMs { get; init; } = 50;
}
