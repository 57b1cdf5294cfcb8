namespace Tollgate.Governance.Limits;

/// <summary>
/// An "N per window" rate limiter (requests per minute, tokens per minute, queries per second or hour, embedding
/// inputs per second) as a token bucket: capacity N, refilled continuously at N per window.
/// <para>
/// <b>Why a token bucket.</b> Its state is O(1) (one number here), it allows bursts up to the limit, which is what
/// clients of "600 requests per minute" expect, it gives an exact <c>Retry-After</c> (the time until enough tokens
/// have refilled, to the tick), and its update is a single read-modify-write, so the Redis version is one atomic
/// script. Fixed windows allow 2N across a boundary; sliding logs cost memory per request.
/// </para>
/// <para>
/// <b>How.</b> The bucket is kept in its GCRA form, as one <c>long</c>: the token-clock value at which the bucket is
/// full again (<c>tat</c>). The token clock, <c>floor((now - epoch) × N / window)</c>, counts the tokens refilled since
/// the bucket started, so all arithmetic is in whole tokens and rounding never accumulates (a <c>3/s</c> bucket
/// still gives a burst of exactly 3). Available tokens are <c>N - (max(tat, clock) - clock)</c>; taking <c>n</c> moves
/// <c>tat</c> forward by <c>n</c>. A take is one compare-and-swap: lock-free and allocation-free. <see cref="Update"/>
/// (an admin edit, rare) swaps in a new state object under a small lock, first closing the old one so no take can
/// land on it meanwhile.
/// </para>
/// </summary>
public sealed class TokenBucket
{
    // A tat value no real bucket reaches; marks a state replaced by Update. Takers seeing it re-read _state.
    private const long Closed = long.MaxValue;

    private readonly Lock _updateLock = new();
    private State _state;

    /// <param name="now">Start of the bucket's clock; the bucket starts full.</param>
    public TokenBucket(string id, RateLimitDefinition definition, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(definition);
        Id = id;
        _state = new State(definition, now.UtcTicks, 0);
    }

    public string Id { get; }

    public RateLimitDefinition Definition => Volatile.Read(ref _state).Definition;

    /// <summary>
    /// Takes <paramref name="amount"/> units when that many are available; otherwise takes nothing and reports when
    /// they will be. An amount larger than the limit is refused with <see cref="RateLimitDecision.ExceedsCapacity"/>:
    /// it could never pass, and waiting for it would wait forever.
    /// </summary>
    public RateLimitDecision TryTake(long amount, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        var nowTicks = now.UtcTicks;
        var spinner = default(SpinWait);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var tat = Volatile.Read(ref state.Tat);
            if (tat == Closed)
            {
                spinner.SpinOnce();
                continue;
            }

            var limit = state.Limit;
            var clock = state.Clock(nowTicks);
            var start = Math.Max(tat, clock);
            var available = limit - (start - clock);
            if (amount > limit)
            {
                return new RateLimitDecision(false, true, limit, Math.Max(0, available), TimeSpan.Zero, state.TimeUntil(start, nowTicks));
            }

            if (amount > available)
            {
                // Enough tokens exist once the clock reaches start + amount - limit.
                var retryAfter = state.TimeUntil(start + amount - limit, nowTicks);
                return new RateLimitDecision(false, false, limit, Math.Max(0, available), retryAfter, state.TimeUntil(start, nowTicks));
            }

            var next = start + amount;
            if (Interlocked.CompareExchange(ref state.Tat, next, tat) == tat)
            {
                return new RateLimitDecision(true, false, limit, available - amount, TimeSpan.Zero, state.TimeUntil(next, nowTicks));
            }
        }
    }

    /// <summary>
    /// Corrects a reservation once the real usage is known: positive takes more (e.g. a call used more tokens than
    /// estimated), negative gives back. Taking more may push the bucket below zero; that debt is repaid by refill
    /// before anything else passes, so an underestimate is paid for rather than forgiven. Giving back never fills the
    /// bucket beyond its capacity.
    /// </summary>
    public void Adjust(long delta, DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        var spinner = default(SpinWait);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var tat = Volatile.Read(ref state.Tat);
            if (tat == Closed)
            {
                spinner.SpinOnce();
                continue;
            }

            var clock = state.Clock(nowTicks);
            var next = Math.Max(Math.Max(tat, clock) + delta, clock);
            if (Interlocked.CompareExchange(ref state.Tat, next, tat) == tat)
            {
                return;
            }
        }
    }

    /// <summary>Units available now; negative while the bucket is in debt. For the admin API and tests.</summary>
    public long GetAvailable(DateTimeOffset now)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var tat = Volatile.Read(ref state.Tat);
            if (tat != Closed)
            {
                var clock = state.Clock(now.UtcTicks);
                return state.Limit - (Math.Max(tat, clock) - clock);
            }

            spinner.SpinOnce();
        }
    }

    /// <summary>
    /// Applies an edited limit or window in place, keeping the units already consumed (including debt): raising
    /// 100/min to 200/min with 60 used leaves 140, lowering it to 50/min leaves a debt of 10.
    /// </summary>
    public void Update(RateLimitDefinition definition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_updateLock)
        {
            var old = _state;
            if (old.Definition.Equals(definition))
            {
                return;
            }

            // Close the old state first: a take racing this edit then retries on the new state instead of landing
            // on one that is about to be dropped. Takers spin for the few instructions until the new state appears.
            var nowTicks = now.UtcTicks;
            var tat = Interlocked.Exchange(ref old.Tat, Closed);
            var consumed = Math.Max(0, tat - old.Clock(nowTicks));
            Volatile.Write(ref _state, new State(definition, nowTicks, consumed));
        }
    }

    /// <summary>One definition and its tat; replaced as a whole when the definition changes.</summary>
    private sealed class State
    {
        public readonly RateLimitDefinition Definition;
        public readonly long Limit;
        public readonly long WindowTicks;
        public readonly long EpochTicks;

        /// <summary>Token-clock value at which the bucket is full again; <see cref="Closed"/> once replaced.</summary>
        public long Tat;

        public State(RateLimitDefinition definition, long epochTicks, long tat)
        {
            Definition = definition;
            Limit = definition.Limit;
            WindowTicks = definition.Window.Ticks;
            EpochTicks = epochTicks;
            Tat = tat;
        }

        /// <summary>Whole tokens refilled between the epoch and <paramref name="nowTicks"/> (floor).</summary>
        public long Clock(long nowTicks)
        {
            // 128-bit product: elapsed ticks × limit overflows a long after days for large token limits.
            // RateLimitDefinition caps the rate so the quotient always fits a long.
            var product = (Int128)(nowTicks - EpochTicks) * Limit;
            var quotient = product / WindowTicks;
            if (product % WindowTicks < 0)
            {
                quotient--; // floor, for an instant before the epoch
            }

            return (long)quotient;
        }

        /// <summary>Time from <paramref name="nowTicks"/> until <see cref="Clock"/> reaches <paramref name="target"/>.</summary>
        public TimeSpan TimeUntil(long target, long nowTicks)
        {
            // Clock(t) >= target  <=>  t - epoch >= ceil(target × window / limit): exact to the tick.
            var product = (Int128)target * WindowTicks;
            var quotient = product / Limit;
            if (product % Limit > 0)
            {
                quotient++;
            }

            var at = EpochTicks + (long)quotient;
            return at <= nowTicks ? TimeSpan.Zero : TimeSpan.FromTicks(at - nowTicks);
        }
    }
}
