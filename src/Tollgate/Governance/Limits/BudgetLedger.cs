using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tollgate.Governance.Limits;

/// <summary>
/// The live counters of one budget: settled spend and outstanding reservations in the current window, in nano-USD.
/// <code>
///   admit:  TryReserve(worst case) ──► call upstream ──► Settle(worst case, actual)
///                  │                        └─ never sent ──► Release(worst case)
///                  └─ refused: BudgetDenial (limit, spent+reserved, resets at)
/// </code>
/// <para>
/// <b>Concurrency.</b> Admission is one compare-and-swap on <c>_used</c> (= spent + reserved), so concurrent calls can
/// never reserve past the limit and the hot path takes no lock. <c>_spent</c> and <c>_reserved</c> are the breakdown
/// of <c>_used</c>, kept with Interlocked adds; every operation adds the same amount to <c>_used</c> and to the
/// breakdown, so <c>_used == _spent + _reserved</c> whenever no call is mid-operation. A per-ledger lock is taken only
/// to roll the window (once per period), to restore and to apply an edited definition: those change the window
/// bounds and spend together, which one CAS cannot do, and they are rare enough that the lock is never contended.
/// </para>
/// <para>
/// <b>Windows.</b> When a call arrives after the window's end, the window rolls: spend resets to 0, but outstanding
/// reservations move into the new window, because their calls are still running and will spend. <see cref="Settle"/>
/// charges the actual cost to the window current at settle time (rolling first if due). That is the rule that never
/// under-counts: a call reserved before a reset was held against the new window through the carried reservation, so
/// its real cost must land there too; charging a closed window would drop it from every window's enforcement.
/// </para>
/// </summary>
public sealed class BudgetLedger
{
    // Guards window changes (roll, restore, definition edits) and the consistent window pair in Snapshot.
    private readonly Lock _windowLock = new();

    private BudgetDefinition _definition;
    private long _limitNano;

    // Spent + reserved: the single value admission compares with the limit and CASes.
    private long _used;
    private long _spent;
    private long _reserved;

    // UTC ticks, written only under _windowLock; the hot path reads only End. The window is framed lazily by the
    // first operation (End = MinValue means "not framed yet"), so a ledger needs no clock to be constructed.
    private long _windowStartTicks;
    private long _windowEndTicks = long.MinValue;

    public BudgetLedger(string id, BudgetDefinition definition)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(definition);
        Id = id;
        _definition = definition;
        _limitNano = definition.LimitNano;
    }

    public string Id { get; }

    public BudgetDefinition Definition => Volatile.Read(ref _definition);

    /// <summary>
    /// Reserves <paramref name="amountNano"/> (the call's worst-case cost) when <c>spent + reserved + amount</c> stays
    /// within the limit. A refused call reserves nothing. A zero amount passes unless the budget is already exhausted.
    /// </summary>
    public bool TryReserve(long amountNano, DateTimeOffset now, out BudgetDenial denial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountNano);
        EnsureWindow(now);

        var limit = Volatile.Read(ref _limitNano);
        var used = Volatile.Read(ref _used);
        while (true)
        {
            // Written as a subtraction so a huge amount cannot overflow past the check.
            if (amountNano > limit - used)
            {
                denial = new BudgetDenial(Id, limit, used, amountNano, ResetsAt());
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _used, used + amountNano, used);
            if (seen == used)
            {
                break;
            }

            used = seen;
        }

        Interlocked.Add(ref _reserved, amountNano);
        denial = default;
        return true;
    }

    /// <summary>
    /// Replaces a reservation with the call's real cost. <paramref name="actualNano"/> may exceed the reservation (a
    /// wrong estimate); the overrun is charged in full, since the money is spent, and later calls wait for the reset.
    /// The cost lands in the window current at <paramref name="now"/> (see the class remarks).
    /// <paramref name="reservedAt"/> is not needed by this ledger, which carries reservations across windows; it is
    /// part of the contract for stores that keep reservations per window (Redis keys per window start).
    /// </summary>
    public void Settle(long reservedNano, long actualNano, DateTimeOffset reservedAt, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reservedNano);
        ArgumentOutOfRangeException.ThrowIfNegative(actualNano);
        Debug.Assert(reservedAt <= now, "A call cannot settle before it reserved.");
        EnsureWindow(now);

        // _used first, then _spent: a roll in between captures _spent without this cost, so the cost stays counted
        // in the new window in both places. The other order could leave _used briefly below the truth and admit a
        // call over the limit.
        Interlocked.Add(ref _used, actualNano - reservedNano);
        Interlocked.Add(ref _spent, actualNano);
        Interlocked.Add(ref _reserved, -reservedNano);
    }

    /// <summary>Gives a reservation back without spend: the call never reached the upstream.</summary>
    public void Release(long reservedNano)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reservedNano);
        Interlocked.Add(ref _used, -reservedNano);
        Interlocked.Add(ref _reserved, -reservedNano);
    }

    /// <summary>
    /// Rebuilds spend after a restart from a persisted <see cref="BudgetSnapshot"/> (its <c>SpentNano</c> and
    /// <c>WindowStart</c>). Spend of a window that has already closed is ignored (it would have reset); spend of the
    /// current window is added, so calls settled between start-up and the restore are kept. Call it once per ledger.
    /// </summary>
    public void Restore(long spentNano, DateTimeOffset windowStart)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spentNano);
        lock (_windowLock)
        {
            var definition = _definition;
            var (start, end) = definition.Period.WindowAt(windowStart, definition.Anchor);
            var framed = _windowEndTicks != long.MinValue;
            if (framed && start.UtcTicks < _windowStartTicks)
            {
                return;
            }

            if (framed && start.UtcTicks == _windowStartTicks)
            {
                Interlocked.Add(ref _used, spentNano);
                Interlocked.Add(ref _spent, spentNano);
                return;
            }

            // Not framed yet (the usual start-up case), or the persisted window is newer than ours: adopt it. If it
            // has ended by the next call, that call rolls it like any other window.
            var previous = Interlocked.Exchange(ref _spent, spentNano);
            Interlocked.Add(ref _used, spentNano - previous);
            SetWindow(start.UtcTicks, end.UtcTicks);
        }
    }

    /// <summary>
    /// Applies an edited definition in place, keeping spend and reservations: admins raise limits on live budgets and
    /// expect "more room", not "spend forgotten". A changed period or anchor re-frames the window around
    /// <paramref name="now"/>, and the spend so far counts in it.
    /// </summary>
    public void Update(BudgetDefinition definition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_windowLock)
        {
            var old = _definition;
            if (old.Equals(definition))
            {
                return;
            }

            Volatile.Write(ref _limitNano, definition.LimitNano);
            if (_windowEndTicks != long.MinValue && (!old.Period.Equals(definition.Period) || old.Anchor != definition.Anchor))
            {
                var (start, end) = definition.Period.WindowAt(now, definition.Anchor);
                SetWindow(start.UtcTicks, end.UtcTicks);
            }

            Volatile.Write(ref _definition, definition);
        }
    }

    /// <summary>
    /// The budget as of <paramref name="now"/>. Read-only: when the window has ended but no call has rolled it yet,
    /// it shows the window that would be current (spend 0, reservations carried) without changing the ledger.
    /// </summary>
    public BudgetSnapshot Snapshot(DateTimeOffset now)
    {
        long startTicks;
        long endTicks;
        BudgetDefinition definition;
        lock (_windowLock)
        {
            startTicks = _windowStartTicks;
            endTicks = _windowEndTicks;
            definition = _definition;
        }

        var limit = Volatile.Read(ref _limitNano);
        var spent = Volatile.Read(ref _spent);
        var reserved = Volatile.Read(ref _reserved);
        if (now.UtcTicks >= endTicks)
        {
            var (start, end) = definition.Period.WindowAt(now, definition.Anchor);
            startTicks = start.UtcTicks;
            endTicks = end.UtcTicks;
            spent = 0;
        }

        var remaining = Math.Max(0, limit - spent - reserved);
        return new BudgetSnapshot(
            limit, spent, reserved, remaining, new DateTimeOffset(startTicks, TimeSpan.Zero), new DateTimeOffset(endTicks, TimeSpan.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureWindow(DateTimeOffset now)
    {
        if (now.UtcTicks >= Volatile.Read(ref _windowEndTicks))
        {
            Roll(now);
        }
    }

    // Kept out of line: it runs once per period, and inlining it would bloat every reserve and settle.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Roll(DateTimeOffset now)
    {
        lock (_windowLock)
        {
            if (now.UtcTicks < _windowEndTicks)
            {
                return; // another caller rolled it while we waited
            }

            var definition = _definition;
            var (start, end) = definition.Period.WindowAt(now, definition.Anchor);

            // Spend resets; reservations stay in _used and _reserved, i.e. they carry into the new window. Between
            // these two lines _used is briefly too high, which can only refuse a call, never overspend.
            var spent = Interlocked.Exchange(ref _spent, 0);
            Interlocked.Add(ref _used, -spent);
            SetWindow(start.UtcTicks, end.UtcTicks);
        }
    }

    private void SetWindow(long startTicks, long endTicks)
    {
        Volatile.Write(ref _windowStartTicks, startTicks);
        Volatile.Write(ref _windowEndTicks, endTicks);
    }

    private DateTimeOffset ResetsAt() => new(Volatile.Read(ref _windowEndTicks), TimeSpan.Zero);
}
