using Tollgate.Governance.Limits;

namespace Tollgate.Governance.Counters;

/// <summary>
/// The token-bucket arithmetic of <see cref="TokenBucket"/> (GCRA in whole tokens on a token clock) in milliseconds, as
/// the Redis scripts do it, so local and shared counters decide alike. The clock counts tokens refilled since the
/// bucket's epoch: <c>floor((now - epoch) × limit / window)</c>; <c>tat</c> is the clock value at which it is full.
/// </summary>
internal static class CounterMath
{
    public static long Clock(long epochMs, long limit, long windowMs, long nowMs)
    {
        var product = (Int128)(nowMs - epochMs) * limit;
        var quotient = product / windowMs;
        if (product % windowMs < 0)
        {
            quotient--;
        }

        return (long)quotient;
    }

    /// <summary>Milliseconds from <paramref name="nowMs"/> until the clock reaches <paramref name="target"/>.</summary>
    public static long Until(long epochMs, long limit, long windowMs, long target, long nowMs)
    {
        var product = (Int128)target * windowMs;
        var quotient = product / limit;
        if (product % limit > 0)
        {
            quotient++;
        }

        var at = epochMs + (long)quotient;
        return at <= nowMs ? 0 : at - nowMs;
    }

    /// <summary>Decides a take of <paramref name="amount"/>; <paramref name="nextTat"/> is the tat after it when allowed.</summary>
    public static RateLimitDecision Decide(long epochMs, long tat, long limit, long windowMs, long amount, long nowMs, out long nextTat)
    {
        var clock = Clock(epochMs, limit, windowMs, nowMs);
        var start = Math.Max(tat, clock);
        var available = limit - (start - clock);
        nextTat = tat;
        if (amount > limit)
        {
            return new RateLimitDecision(false, true, limit, Math.Max(0, available), TimeSpan.Zero,
                TimeSpan.FromMilliseconds(Until(epochMs, limit, windowMs, start, nowMs)));
        }

        if (amount > available)
        {
            return new RateLimitDecision(false, false, limit, Math.Max(0, available),
                TimeSpan.FromMilliseconds(Until(epochMs, limit, windowMs, start + amount - limit, nowMs)),
                TimeSpan.FromMilliseconds(Until(epochMs, limit, windowMs, start, nowMs)));
        }

        nextTat = start + amount;
        return new RateLimitDecision(true, false, limit, available - amount, TimeSpan.Zero,
            TimeSpan.FromMilliseconds(Until(epochMs, limit, windowMs, nextTat, nowMs)));
    }

    public static long Adjust(long epochMs, long tat, long limit, long windowMs, long delta, long nowMs)
    {
        var clock = Clock(epochMs, limit, windowMs, nowMs);
        return Math.Max(Math.Max(tat, clock) + delta, clock);
    }
}
