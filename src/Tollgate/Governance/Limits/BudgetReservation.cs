namespace Tollgate.Governance.Limits;

/// <summary>
/// Reserves one call's worst-case cost on every budget that governs it (virtual key, team, customer) or on none.
/// <para>
/// Ledgers are taken one by one in the order given and, when one refuses, the ones already taken are released. No
/// lock spans ledgers, so there is nothing to deadlock on; the price is that for a few nanoseconds another call may
/// see a reservation that is about to be rolled back and be refused by it. That errs towards refusing, never towards
/// overspending, and callers of these methods never hold a half reservation.
/// </para>
/// <para>
/// The same ledger may appear twice (a team and its virtual key pointing at one budget); it is reserved, settled and
/// released once, otherwise the call would be charged double.
/// </para>
/// </summary>
internal static class BudgetReservation
{
    /// <summary>
    /// Reserves <paramref name="amountNano"/> on all <paramref name="ledgers"/>, or on none and returns the first
    /// refusal. Pass them most specific first (virtual key, team, customer) so the denial names the tightest budget a
    /// user can act on.
    /// </summary>
    public static bool TryReserveAll(ReadOnlySpan<BudgetLedger> ledgers, long amountNano, DateTimeOffset now, out BudgetDenial denial)
    {
        for (var i = 0; i < ledgers.Length; i++)
        {
            if (SeenBefore(ledgers, i))
            {
                continue;
            }

            if (!ledgers[i].TryReserve(amountNano, now, out denial))
            {
                ReleaseAll(ledgers[..i], amountNano);
                return false;
            }
        }

        denial = default;
        return true;
    }

    /// <summary>Settles a reservation made by <see cref="TryReserveAll"/> on the same ledgers.</summary>
    public static void SettleAll(
        ReadOnlySpan<BudgetLedger> ledgers, long reservedNano, long actualNano, DateTimeOffset reservedAt, DateTimeOffset now)
    {
        for (var i = 0; i < ledgers.Length; i++)
        {
            if (!SeenBefore(ledgers, i))
            {
                ledgers[i].Settle(reservedNano, actualNano, reservedAt, now);
            }
        }
    }

    /// <summary>Releases a reservation made by <see cref="TryReserveAll"/> (the call never reached the upstream).</summary>
    public static void ReleaseAll(ReadOnlySpan<BudgetLedger> ledgers, long reservedNano)
    {
        for (var i = 0; i < ledgers.Length; i++)
        {
            if (!SeenBefore(ledgers, i))
            {
                ledgers[i].Release(reservedNano);
            }
        }
    }

    // Quadratic, but the span holds at most three or four budgets, and it allocates nothing.
    private static bool SeenBefore(ReadOnlySpan<BudgetLedger> ledgers, int index)
    {
        for (var j = 0; j < index; j++)
        {
            if (ReferenceEquals(ledgers[j], ledgers[index]))
            {
                return true;
            }
        }

        return false;
    }
}
