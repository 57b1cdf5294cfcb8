using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

/// <summary>
/// The limit checks every virtual-key request makes must not allocate (issue 8; bench/micro/README.md keeps the
/// budget): token buckets, budget reservations and concurrency gates, admitted and denied, and the counter lookups.
/// Allocation per thread is deterministic, so these are exact checks, not timings.
/// </summary>
public sealed class LimitAllocationTests
{
    private const int Calls = 1_000;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static long AllocatedBy(Action<int> action)
    {
        action(0); // first calls may JIT or initialise statics
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i <= Calls; i++)
        {
            action(i);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TokenBucket_TakeAllowedAndDenied_AllocatesNothing()
    {
        var bucket = new TokenBucket("rl", new RateLimitDefinition(1_000, TimeSpan.FromMinutes(1)), Start);
        var allowed = 0;
        var denied = 0;

        // 1 ms apart a 1,000/min bucket refills far slower than 5 per call, so it drains and the denied path runs too.
        var allocated = AllocatedBy(i =>
        {
            var decision = bucket.TryTake(5, Start.AddMilliseconds(i));
            _ = decision.Allowed ? allowed++ : denied++;
            _ = bucket.TryTake(2_000, Start.AddMilliseconds(i)); // over capacity
        });

        Assert.Equal(0, allocated);
        Assert.True(allowed > 0 && denied > 0, $"allowed {allowed}, denied {denied}");
    }

    [Fact]
    public void BudgetLedger_ReserveSettleReleaseAndDeny_AllocatesNothing()
    {
        var ledger = new BudgetLedger("b", new BudgetDefinition(50_000_000, BudgetPeriod.Parse("1h"), Start));
        var refused = 0;

        // Spend grows by 100,000 nano-USD a call, so the 0.05 USD budget is exhausted after ~500 calls and refusals
        // run too; the clock crosses an hour boundary, so a window roll is included.
        var allocated = AllocatedBy(i =>
        {
            var now = Start.AddSeconds(i * 5);
            if (ledger.TryReserve(170_000, now, out _))
            {
                ledger.Settle(170_000, 100_000, now, now);
            }
            else
            {
                refused++;
            }

            if (ledger.TryReserve(1_000, now, out _))
            {
                ledger.Release(1_000);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(refused > 0, "the budget never filled up, so the refusal path was not measured");
    }

    [Fact]
    public void BudgetReservation_AllLevels_AllocatesNothing()
    {
        var definition = new BudgetDefinition(1_000_000_000_000, BudgetPeriod.Parse("1d"), Start);
        BudgetLedger[] ledgers = [new("b-vk", definition), new("b-team", definition), new("b-customer", definition)];

        var allocated = AllocatedBy(i =>
        {
            var now = Start.AddMilliseconds(i);
            Assert.True(BudgetReservation.TryReserveAll(ledgers, 170_000, now, out _));
            BudgetReservation.SettleAll(ledgers, 170_000, 120_000, now, now);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ConcurrencyGate_EnterExitAndRefuse_AllocatesNothing()
    {
        var gate = new ConcurrencyGate("g", 1);

        var allocated = AllocatedBy(_ =>
        {
            Assert.True(gate.TryEnter());
            Assert.False(gate.TryEnter());
            gate.Exit();
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void InMemoryCounters_LookupsOfExistingCounters_AllocateNothing()
    {
        var counters = new InMemoryGovernanceCounters(TimeProvider.System);
        var rate = new RateLimitDefinition(600, TimeSpan.FromMinutes(1));
        var budget = new BudgetDefinition(1_000_000, BudgetPeriod.Parse("1d"), Start);

        var allocated = AllocatedBy(_ =>
        {
            counters.GetRateLimit("rl", rate);
            counters.GetBudget("b", budget);
            counters.GetConcurrencyGate("g", 4);
        });

        Assert.Equal(0, allocated);
    }
}
