using Microsoft.Extensions.Time.Testing;
using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

public sealed class BudgetLedgerTests
{
    // A Friday afternoon, so a daily window ends at midnight and a rolling one nine hours later.
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 15, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Today = new(2025, 3, 14, 0, 0, 0, TimeSpan.Zero);

    private static BudgetLedger DailyLedger(long limit, bool calendarAligned = true) =>
        new("b-test", new BudgetDefinition(limit, BudgetPeriod.Parse("1d", calendarAligned), Start));

    [Fact]
    public void ReserveSettleRelease_Arithmetic()
    {
        var time = new FakeTimeProvider(Start);
        var ledger = DailyLedger(1_000);

        Assert.True(ledger.TryReserve(600, time.GetUtcNow(), out _));
        Assert.Equal(new BudgetSnapshot(1_000, 0, 600, 400, Today, Today.AddDays(1)), Snapshot(ledger, time));

        Assert.False(ledger.TryReserve(500, time.GetUtcNow(), out var denial));
        Assert.Equal(new BudgetDenial("b-test", 1_000, 600, 500, new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero)), denial);

        ledger.Settle(600, 200, Start, time.GetUtcNow());
        Assert.Equal(new BudgetSnapshot(1_000, 200, 0, 800, Today, Today.AddDays(1)), Snapshot(ledger, time));

        Assert.True(ledger.TryReserve(800, time.GetUtcNow(), out _)); // exactly up to the limit
        Assert.False(ledger.TryReserve(1, time.GetUtcNow(), out denial));
        Assert.Equal(1_000, denial.SpentAndReservedNano);

        ledger.Release(800);
        var snapshot = Snapshot(ledger, time);
        Assert.Equal(200, snapshot.SpentNano);
        Assert.Equal(0, snapshot.ReservedNano);
        Assert.Equal(800, snapshot.RemainingNano);
    }

    [Fact]
    public void Settle_ActualAboveReservation_ChargesTheOverrun_AndBlocksEvenZeroCostCalls()
    {
        var time = new FakeTimeProvider(Start);
        var ledger = DailyLedger(1_000);

        Assert.True(ledger.TryReserve(900, time.GetUtcNow(), out _));
        ledger.Settle(900, 1_200, Start, time.GetUtcNow());

        var snapshot = Snapshot(ledger, time);
        Assert.Equal(1_200, snapshot.SpentNano);
        Assert.Equal(0, snapshot.RemainingNano);
        Assert.False(ledger.TryReserve(0, time.GetUtcNow(), out var denial));
        Assert.Equal(1_200, denial.SpentAndReservedNano);
    }

    [Fact]
    public void TryReserve_ZeroAmount_PassesWhileBudgetHasRoom_AndZeroLimitBlocksEverything()
    {
        var now = Start;
        Assert.True(DailyLedger(1).TryReserve(0, now, out _));
        Assert.False(DailyLedger(0).TryReserve(1, now, out _));
    }

    [Fact]
    public void TryReserve_HugeAmount_IsRefusedWithoutOverflow()
    {
        var ledger = DailyLedger(1_000);
        Assert.True(ledger.TryReserve(10, Start, out _));

        Assert.False(ledger.TryReserve(long.MaxValue, Start, out var denial));
        Assert.Equal(long.MaxValue, denial.RequestedNano);
    }

    [Fact]
    public void Roll_ResetsSpend_CarriesOutstandingReservations_AndLateSettleLandsInTheNewWindow()
    {
        var time = new FakeTimeProvider(Start);
        var ledger = DailyLedger(1_000);
        Assert.True(ledger.TryReserve(300, time.GetUtcNow(), out _));
        ledger.Settle(300, 300, Start, time.GetUtcNow());
        var reservedAt = time.GetUtcNow();
        Assert.True(ledger.TryReserve(400, reservedAt, out _)); // a long call still running at midnight

        time.Advance(TimeSpan.FromHours(10)); // 01:00 the next day

        // The snapshot already shows the new window without mutating the ledger.
        var tomorrow = new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new BudgetSnapshot(1_000, 0, 400, 600, tomorrow, tomorrow.AddDays(1)), Snapshot(ledger, time));

        // 600 fits beside the carried 400, 601 does not: the running call is still held against the budget.
        Assert.False(ledger.TryReserve(601, time.GetUtcNow(), out var denial));
        Assert.Equal(400, denial.SpentAndReservedNano);
        Assert.Equal(tomorrow.AddDays(1), denial.ResetsAt);

        ledger.Settle(400, 250, reservedAt, time.GetUtcNow());
        Assert.Equal(new BudgetSnapshot(1_000, 250, 0, 750, tomorrow, tomorrow.AddDays(1)), Snapshot(ledger, time));
    }

    [Fact]
    public void Settle_FirstCallAfterTheWindowEnded_RollsThenChargesTheNewWindow()
    {
        var time = new FakeTimeProvider(Start);
        var ledger = DailyLedger(1_000);
        Assert.True(ledger.TryReserve(500, Start, out _));
        ledger.Settle(500, 100, Start, Start);
        Assert.True(ledger.TryReserve(500, Start, out _));

        time.Advance(TimeSpan.FromHours(9) + TimeSpan.FromMinutes(1)); // 00:01, no call has rolled the ledger yet
        ledger.Settle(500, 450, Start, time.GetUtcNow());

        var snapshot = Snapshot(ledger, time);
        Assert.Equal(450, snapshot.SpentNano);
        Assert.Equal(0, snapshot.ReservedNano);
        Assert.Equal(new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero), snapshot.WindowStart);
    }

    [Fact]
    public void Roll_AfterSeveralIdleWindows_JumpsToTheWindowContainingNow()
    {
        var time = new FakeTimeProvider(Start);
        var ledger = DailyLedger(1_000, calendarAligned: false); // rolling from 15:00
        Assert.True(ledger.TryReserve(700, Start, out _));
        ledger.Settle(700, 700, Start, Start);

        time.Advance(TimeSpan.FromDays(3) + TimeSpan.FromHours(2));
        Assert.True(ledger.TryReserve(1_000, time.GetUtcNow(), out _));

        var snapshot = Snapshot(ledger, time);
        Assert.Equal(Start.AddDays(3), snapshot.WindowStart);
        Assert.Equal(Start.AddDays(4), snapshot.WindowEnd);
        Assert.Equal(0, snapshot.SpentNano);
        Assert.Equal(1_000, snapshot.ReservedNano);
    }

    [Fact]
    public void Restore_FreshLedger_AdoptsPersistedSpend()
    {
        var ledger = DailyLedger(1_000);

        ledger.Restore(900, Today);

        Assert.False(ledger.TryReserve(101, Start, out var denial));
        Assert.Equal(900, denial.SpentAndReservedNano);
        Assert.True(ledger.TryReserve(100, Start, out _));
    }

    [Fact]
    public void Restore_SameWindow_AddsToSpendSettledSinceStartUp()
    {
        var ledger = DailyLedger(1_000);
        Assert.True(ledger.TryReserve(100, Start, out _));
        ledger.Settle(100, 100, Start, Start);

        ledger.Restore(300, Today);

        Assert.Equal(400, ledger.Snapshot(Start).SpentNano);
    }

    [Fact]
    public void Restore_ClosedWindow_IsIgnored()
    {
        var ledger = DailyLedger(1_000);
        Assert.True(ledger.TryReserve(100, Start, out _));

        ledger.Restore(900, Today.AddDays(-1));

        var snapshot = ledger.Snapshot(Start);
        Assert.Equal(0, snapshot.SpentNano);
        Assert.Equal(100, snapshot.ReservedNano);
    }

    [Fact]
    public void Restore_WindowThatHasSinceEnded_ResetsOnTheNextCall()
    {
        var ledger = DailyLedger(1_000);

        ledger.Restore(900, Today.AddDays(-1)); // persisted yesterday, gateway restarted today

        Assert.True(ledger.TryReserve(1_000, Start, out _));
        Assert.Equal(0, ledger.Snapshot(Start).SpentNano);
    }

    [Fact]
    public void Update_NewLimit_KeepsSpendAndReservations()
    {
        var ledger = DailyLedger(1_000);
        Assert.True(ledger.TryReserve(400, Start, out _));
        ledger.Settle(400, 400, Start, Start);
        Assert.True(ledger.TryReserve(500, Start, out _));

        ledger.Update(new BudgetDefinition(2_000, BudgetPeriod.Parse("1d", true), Start), Start);

        Assert.Equal(new BudgetSnapshot(2_000, 400, 500, 1_100, Today, Today.AddDays(1)), ledger.Snapshot(Start));
        Assert.True(ledger.TryReserve(1_100, Start, out _));

        ledger.Update(new BudgetDefinition(500, BudgetPeriod.Parse("1d", true), Start), Start);
        Assert.False(ledger.TryReserve(0, Start, out var denial)); // lowered below what is already committed
        Assert.Equal(500, denial.LimitNano);
    }

    [Fact]
    public void Update_NewPeriod_ReframesTheWindowAndKeepsSpend()
    {
        var ledger = DailyLedger(1_000);
        Assert.True(ledger.TryReserve(300, Start, out _));
        ledger.Settle(300, 300, Start, Start);

        ledger.Update(new BudgetDefinition(1_000, BudgetPeriod.Parse("1M", true), Start), Start);

        var snapshot = ledger.Snapshot(Start);
        Assert.Equal(300, snapshot.SpentNano);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), snapshot.WindowStart);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), snapshot.WindowEnd);
        Assert.Equal("1M", ledger.Definition.Period.ToString());
    }

    [Fact]
    public void NegativeAmounts_AreBugs()
    {
        var ledger = DailyLedger(1_000);
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.TryReserve(-1, Start, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Settle(1, -1, Start, Start));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Release(-1));
    }

    private static BudgetSnapshot Snapshot(BudgetLedger ledger, TimeProvider time) => ledger.Snapshot(time.GetUtcNow());
}
