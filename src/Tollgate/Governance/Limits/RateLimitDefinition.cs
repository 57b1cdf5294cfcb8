namespace Tollgate.Governance.Limits;

/// <summary>"<see cref="Limit"/> per <see cref="Window"/>": requests per minute, tokens per minute, and so on.</summary>
public sealed record RateLimitDefinition
{
    // TokenBucket keeps its clock as "tokens refilled since the bucket (re)started" in a long. At 1e9 tokens per
    // second that clock overflows after ~290 years; faster rates are not a real configuration, so refuse them here
    // rather than carry 128-bit state on the hot path.
    public const long MaxRatePerSecond = 1_000_000_000;

    public RateLimitDefinition(long limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        if ((Int128)limit * TimeSpan.TicksPerSecond > (Int128)MaxRatePerSecond * window.Ticks)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit,
                $"A rate above {MaxRatePerSecond} per second is not supported.");
        }

        Limit = limit;
        Window = window;
    }

    /// <summary>How many units (requests, tokens, inputs) fit in one window; also the largest burst.</summary>
    public long Limit { get; }

    /// <summary>The time in which a drained bucket refills completely.</summary>
    public TimeSpan Window { get; }
}
