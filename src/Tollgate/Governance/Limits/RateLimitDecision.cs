namespace Tollgate.Governance.Limits;

/// <summary>The answer of <see cref="TokenBucket.TryTake"/>, carrying what the <c>x-ratelimit-*</c> headers need.</summary>
/// <param name="Allowed">True when the amount was taken.</param>
/// <param name="ExceedsCapacity">
/// True when the amount is larger than the whole bucket (<see cref="Limit"/>): the call can never pass however long it
/// waits, so callers should answer with a clear error and no <c>Retry-After</c>. <see cref="RetryAfter"/> is zero then.
/// </param>
/// <param name="Limit">The bucket's capacity (the configured "N per window").</param>
/// <param name="Remaining">Whole units left after this decision, floored at 0 (the bucket may be in debt).</param>
/// <param name="RetryAfter">When denied: exact time until enough units have refilled. Zero when allowed.</param>
/// <param name="ResetAfter">Time until the bucket is full again.</param>
public readonly record struct RateLimitDecision(
    bool Allowed,
    bool ExceedsCapacity,
    long Limit,
    long Remaining,
    TimeSpan RetryAfter,
    TimeSpan ResetAfter);
