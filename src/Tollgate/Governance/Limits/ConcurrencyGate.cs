namespace Tollgate.Governance.Limits;

/// <summary>
/// Caps the calls in flight at once (per virtual key or provider key). Lock-free: one CAS to enter, one decrement to
/// leave. Pair every successful <see cref="TryEnter"/> with exactly one <see cref="Exit"/>, in a <c>finally</c>.
/// </summary>
public sealed class ConcurrencyGate
{
    private int _maxInFlight;
    private int _current;

    /// <param name="maxInFlight">At least 0; 0 admits nothing (a paused key).</param>
    public ConcurrencyGate(string id, int maxInFlight)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfNegative(maxInFlight);
        Id = id;
        _maxInFlight = maxInFlight;
    }

    public string Id { get; }

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Calls in flight now.</summary>
    public int Current => Volatile.Read(ref _current);

    public bool TryEnter()
    {
        var current = Volatile.Read(ref _current);
        while (true)
        {
            if (current >= Volatile.Read(ref _maxInFlight))
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _current, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _current) < 0)
        {
            // An unmatched Exit is a bug in the caller; undo it so the gate does not admit one call too many forever.
            Interlocked.Increment(ref _current);
            throw new InvalidOperationException($"Concurrency gate '{Id}' was exited more often than entered.");
        }
    }

    /// <summary>
    /// Changes the cap in place. Lowering it below <see cref="Current"/> stops no running call; new calls wait until
    /// enough have left.
    /// </summary>
    public void SetMaxInFlight(int maxInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxInFlight);
        Volatile.Write(ref _maxInFlight, maxInFlight);
    }
}
