using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

public sealed class BudgetReservationTests
{
    private const int Callers = 200;
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

            await Concurrently.RunAsync(Callers, i =>
            {
                if (!ledger.TryReserve(worst[i], Now, out _))
                {
                    return;
                }

                Max(ref peakCommitted, Interlocked.Add(ref committed, worst[i]));
                Thread.SpinWait(50 + (i % 7 * 100)); // hold the reservation while others race against it
                Interlocked.Add(ref committed, actual[i] - worst[i]);
                ledger.Settle(worst[i], actual[i], Now, Now);
                Interlocked.Add(ref admittedActual, actual[i]);
                Interlocked.Increment(ref admitted);
            });

            var snapshot = ledger.Snapshot(Now);
            Assert.True(peakCommitted <= limit, $"round {round}: committed {peakCommitted} > limit {limit}");
            Assert.True(snapshot.SpentNano <= limit, $"round {round}: spent {snapshot.SpentNano} > limit {limit}");
            Assert.Equal(admittedActual, snapshot.SpentNano);
            Assert.Equal(0, snapshot.ReservedNano);
            Assert.InRange(admitted, 1, Callers - 1); // the budget was contended: some passed, some were refused
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

            await Concurrently.RunAsync(Callers, i =>
            {
                var chain = i % 2 == 0 ? chainA : chainB;
                if (!BudgetReservation.TryReserveAll(chain, worst[i], Now, out var denial))
                {
                    if (denial.BudgetId is not ("b-key-a" or "b-key-b" or "b-team"))
                    {
                        Interlocked.Increment(ref deniedByUnknown);
                    }

                    return;
                }

                Max(ref teamPeak, Interlocked.Add(ref teamCommitted, worst[i]));
                Thread.SpinWait(50 + (i % 7 * 100));
                Interlocked.Add(ref teamCommitted, actual[i] - worst[i]);
                BudgetReservation.SettleAll(chain, worst[i], actual[i], Now, Now);
                if (i % 2 == 0)
                {
                    Interlocked.Add(ref spentA, actual[i]);
                }
                else
                {
                    Interlocked.Add(ref spentB, actual[i]);
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

    // Worst cases between 1% and 10% of the small budget; actuals strictly smaller, as a real call's cost is.
    private static (long[] Worst, long[] Actual) Amounts(int seed)
    {
        var random = new Random(seed);
        var worst = new long[Callers];
        var actual = new long[Callers];
        for (var i = 0; i < Callers; i++)
        {
            worst[i] = random.NextInt64(10_000, 100_001);
            actual[i] = random.NextInt64(0, worst[i]);
        }

        return (worst, actual);
    }
}
