using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

public sealed class BudgetReservationTests
{
    private const int Callers = 200;

    // Each caller makes several calls in a row, so the budget stays near its limit, with reservations coming and
    // going, for most of the run instead of for the few microseconds it takes to fill up once.
    private const int CallsPerCaller = 20;
    private const int Rounds = 10;
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 0, 0, TimeSpan.Zero);

    private static BudgetLedger Ledger(string id, long limit) =>
        new(id, new BudgetDefinition(limit, BudgetPeriod.Parse("1M", true), Now));

    [Fact]
    public async Task TryReserve_200ConcurrentCallersOnSmallBudget_SettledSpendStaysWithinLimit_AndEqualsAdmittedActuals()
    {
        const long limit = 1_000_000;
        for (var round = 0; round < Rounds; round++)
        {
            var ledger = Ledger("b-small", limit);
            var (worst, actual) = Amounts(seed: round);
            long admittedActual = 0;
            var admitted = 0;

            // A lower bound of the ledger's spent + reserved: raised only after the ledger admitted, lowered before
            // it settles. If even this exceeds the limit, the ledger over-committed at that instant. (The end
            // state alone is a weak check: actuals are smaller than reservations, which hides an overshoot.)
            long committed = 0;
            long peakCommitted = 0;

            await Concurrently.RunAsync(Callers, caller =>
            {
                for (var call = 0; call < CallsPerCaller; call++)
                {
                    var i = (caller * CallsPerCaller) + call;
                    if (!ledger.TryReserve(worst[i], Now, out _))
                    {
                        continue;
                    }

                    Max(ref peakCommitted, Interlocked.Add(ref committed, worst[i]));
                    Thread.SpinWait(i % 7 * 30); // hold the reservation while others race against it
                    Interlocked.Add(ref committed, actual[i] - worst[i]);
                    ledger.Settle(worst[i], actual[i], Now, Now);
                    Interlocked.Add(ref admittedActual, actual[i]);
                    Interlocked.Increment(ref admitted);
                }
            });

            var snapshot = ledger.Snapshot(Now);
            Assert.True(peakCommitted <= limit, $"round {round}: committed {peakCommitted} > limit {limit}");
            Assert.True(snapshot.SpentNano <= limit, $"round {round}: spent {snapshot.SpentNano} > limit {limit}");
            Assert.Equal(admittedActual, snapshot.SpentNano);
            Assert.Equal(0, snapshot.ReservedNano);
            Assert.InRange(admitted, 1, (Callers * CallsPerCaller) - 1); // contended: some passed, some were refused
        }
    }

    [Fact]
    public async Task TryReserveAll_200ConcurrentCallersOnTwoKeysSharingATeam_EveryLevelStaysWithinItsLimit()
    {
        // Each key alone could spend 600k, the team only 1M: both levels refuse at some point. The customer is
        // roomy and must still see exactly the team's spend.
        for (var round = 0; round < Rounds; round++)
        {
            var keyA = Ledger("b-key-a", 600_000);
            var keyB = Ledger("b-key-b", 600_000);
            var team = Ledger("b-team", 1_000_000);
            var customer = Ledger("b-customer", 50_000_000);
            BudgetLedger[] chainA = [keyA, team, customer];
            BudgetLedger[] chainB = [keyB, team, customer];
            var (worst, actual) = Amounts(seed: 1_000 + round);
            long spentA = 0;
            long spentB = 0;
            var deniedByUnknown = 0;
            long teamCommitted = 0;
            long teamPeak = 0;

            await Concurrently.RunAsync(Callers, caller =>
            {
                var chain = caller % 2 == 0 ? chainA : chainB;
                for (var call = 0; call < CallsPerCaller; call++)
                {
                    var i = (caller * CallsPerCaller) + call;
                    if (!BudgetReservation.TryReserveAll(chain, worst[i], Now, out var denial))
                    {
                        if (denial.BudgetId is not ("b-key-a" or "b-key-b" or "b-team"))
                        {
                            Interlocked.Increment(ref deniedByUnknown);
                        }

                        continue;
                    }

                    Max(ref teamPeak, Interlocked.Add(ref teamCommitted, worst[i]));
                    Thread.SpinWait(i % 7 * 30);
                    Interlocked.Add(ref teamCommitted, actual[i] - worst[i]);
                    BudgetReservation.SettleAll(chain, worst[i], actual[i], Now, Now);
                    if (caller % 2 == 0)
                    {
                        Interlocked.Add(ref spentA, actual[i]);
                    }
                    else
                    {
                        Interlocked.Add(ref spentB, actual[i]);
                    }
                }
            });

            Assert.Equal(0, deniedByUnknown);
            Assert.True(teamPeak <= 1_000_000, $"round {round}: team committed {teamPeak}");
            AssertLedger(keyA, spentA, 600_000);
            AssertLedger(keyB, spentB, 600_000);
            AssertLedger(team, spentA + spentB, 1_000_000);
            AssertLedger(customer, spentA + spentB, 50_000_000);
        }
    }

    [Fact]
    public async Task ReserveAndSettle_ConcurrentWithWindowRolls_KeepUsedEqualToSpentPlusReserved()
    {
        // A one-minute budget; each caller's k-th call happens in minute k, and callers run at different paces, so
        // every roll races reserves and settles of callers still in earlier minutes.
        var t0 = new DateTimeOffset(2025, 3, 31, 23, 40, 0, TimeSpan.Zero);
        var lastMinute = t0.AddMinutes(CallsPerCaller - 1);
        for (var round = 0; round < Rounds; round++)
        {
            var ledger = new BudgetLedger("b-roll", new BudgetDefinition(100_000_000, BudgetPeriod.Parse("1m", true), t0));
            var (worst, actual) = Amounts(seed: 2_000 + round);
            long settledInLastMinute = 0;
            long settledInTotal = 0;

            await Concurrently.RunAsync(Callers, caller =>
            {
                for (var call = 0; call < CallsPerCaller; call++)
                {
                    var i = (caller * CallsPerCaller) + call;
                    var now = t0.AddMinutes(call).AddSeconds(caller % 60);
                    if (!ledger.TryReserve(worst[i], now, out _))
                    {
                        continue;
                    }

                    Thread.SpinWait(i % 7 * 30);
                    ledger.Settle(worst[i], actual[i], now, now);
                    Interlocked.Add(ref settledInTotal, actual[i]);
                    if (call == CallsPerCaller - 1)
                    {
                        Interlocked.Add(ref settledInLastMinute, actual[i]);
                    }
                }
            });

            var snapshot = ledger.Snapshot(lastMinute);
            Assert.Equal(lastMinute, snapshot.WindowStart);
            Assert.Equal(0, snapshot.ReservedNano);

            // The last window holds every cost settled in it and possibly some settled "earlier" by callers whose
            // clock lagged behind the roll (the rule never under-counts), but never more than was settled at all.
            Assert.InRange(snapshot.SpentNano, settledInLastMinute, settledInTotal);

            // The admission counter agrees with the breakdown: exactly the remaining amount still fits.
            Assert.False(ledger.TryReserve(snapshot.RemainingNano + 1, lastMinute, out _), $"round {round}");
            Assert.True(ledger.TryReserve(snapshot.RemainingNano, lastMinute, out _), $"round {round}");
        }
    }

    [Fact]
    public void TryReserveAll_LaterLevelRefuses_RollsBackEarlierLevels_AndNamesTheRefusingBudget()
    {
        var key = Ledger("b-key", 1_000);
        var team = Ledger("b-team", 100);
        BudgetLedger[] chain = [key, team];

        Assert.False(BudgetReservation.TryReserveAll(chain, 500, Now, out var denial));

        Assert.Equal("b-team", denial.BudgetId);
        Assert.Equal(100, denial.LimitNano);
        Assert.Equal(500, denial.RequestedNano);
        Assert.Equal(0, key.Snapshot(Now).ReservedNano);
        Assert.Equal(0, team.Snapshot(Now).ReservedNano);
    }

    [Fact]
    public void TryReserveAll_SameLedgerTwice_IsReservedSettledAndReleasedOnce()
    {
        var shared = Ledger("b-shared", 1_000);
        BudgetLedger[] chain = [shared, shared];

        Assert.True(BudgetReservation.TryReserveAll(chain, 600, Now, out _));
        Assert.Equal(600, shared.Snapshot(Now).ReservedNano);

        BudgetReservation.SettleAll(chain, 600, 100, Now, Now);
        Assert.Equal(100, shared.Snapshot(Now).SpentNano);

        Assert.True(BudgetReservation.TryReserveAll(chain, 900, Now, out _));
        BudgetReservation.ReleaseAll(chain, 900);
        var march = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new BudgetSnapshot(1_000, 100, 0, 900, march, march.AddMonths(1)), shared.Snapshot(Now));
    }

    [Fact]
    public void TryReserveAll_NoLedgers_Admits()
    {
        Assert.True(BudgetReservation.TryReserveAll([], 1_000, Now, out _));
    }

    private static void AssertLedger(BudgetLedger ledger, long expectedSpent, long limit)
    {
        var snapshot = ledger.Snapshot(Now);
        Assert.True(snapshot.SpentNano <= limit, $"{ledger.Id}: spent {snapshot.SpentNano} > limit {limit}");
        Assert.Equal(expectedSpent, snapshot.SpentNano);
        Assert.Equal(0, snapshot.ReservedNano); // no half reservation was left behind
    }

    private static void Max(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    // Worst cases between 1% and 10% of the small budget. Actuals are strictly smaller, as a real call's cost is,
    // and mostly much smaller (worst cases are pessimistic), so spend grows slowly while reservations crowd the limit.
    private static (long[] Worst, long[] Actual) Amounts(int seed)
    {
        var random = new Random(seed);
        var worst = new long[Callers * CallsPerCaller];
        var actual = new long[Callers * CallsPerCaller];
        for (var i = 0; i < worst.Length; i++)
        {
            worst[i] = random.NextInt64(10_000, 100_001);
            actual[i] = random.NextInt64(0, worst[i] / 8);
        }

        return (worst, actual);
    }
}
