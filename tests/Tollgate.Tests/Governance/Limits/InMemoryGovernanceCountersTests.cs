using Microsoft.Extensions.Time.Testing;
using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

public sealed class InMemoryGovernanceCountersTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 15, 0, 0, TimeSpan.Zero);

    private static BudgetDefinition Monthly(long limit) => new(limit, BudgetPeriod.Parse("1M", true), Start);

    [Fact]
    public void GetBudget_SameId_ReturnsTheSameLedger_EqualDefinitionChangesNothing()
    {
        var counters = new InMemoryGovernanceCounters(new FakeTimeProvider(Start));
        var first = counters.GetBudget("b-acme", Monthly(1_000));
        Assert.True(first.TryReserve(300, Start, out _));

        var again = counters.GetBudget("b-acme", Monthly(1_000)); // equal by value, another instance

        Assert.Same(first, again);
        Assert.Equal(300, again.Snapshot(Start).ReservedNano);
    }

    [Fact]
    public void GetBudget_ChangedDefinition_UpdatesInPlaceAndKeepsSpend()
    {
        var time = new FakeTimeProvider(Start);
        var counters = new InMemoryGovernanceCounters(time);
        var ledger = counters.GetBudget("b-acme", Monthly(1_000));
        Assert.True(ledger.TryReserve(900, Start, out _));
        ledger.Settle(900, 900, Start, Start);
        Assert.False(ledger.TryReserve(200, Start, out _));

        var edited = counters.GetBudget("b-acme", Monthly(5_000));

        Assert.Same(ledger, edited);
        Assert.Equal(900, edited.Snapshot(Start).SpentNano);
        Assert.Equal(5_000, edited.Snapshot(Start).LimitNano);
        Assert.True(edited.TryReserve(200, Start, out _));
    }

    [Fact]
    public void GetRateLimit_ChangedDefinition_UpdatesInPlaceAndKeepsConsumption()
    {
        var time = new FakeTimeProvider(Start);
        var counters = new InMemoryGovernanceCounters(time);
        var bucket = counters.GetRateLimit("rl-1:requests", new RateLimitDefinition(600, TimeSpan.FromMinutes(1)));
        Assert.True(bucket.TryTake(100, time.GetUtcNow()).Allowed);

        var edited = counters.GetRateLimit("rl-1:requests", new RateLimitDefinition(1_200, TimeSpan.FromMinutes(1)));

        Assert.Same(bucket, edited);
        Assert.Equal(1_100, edited.GetAvailable(time.GetUtcNow()));
    }

    [Fact]
    public void GetConcurrencyGate_ChangedMax_UpdatesInPlace()
    {
        var counters = new InMemoryGovernanceCounters(new FakeTimeProvider(Start));
        var gate = counters.GetConcurrencyGate("vk-app", 1);
        Assert.True(gate.TryEnter());

        var edited = counters.GetConcurrencyGate("vk-app", 2);

        Assert.Same(gate, edited);
        Assert.Equal(1, edited.Current);
        Assert.True(edited.TryEnter());
    }

    [Fact]
    public void ListAndRemove_ForTheAdminApi()
    {
        var time = new FakeTimeProvider(Start);
        var counters = new InMemoryGovernanceCounters(time);
        counters.GetBudget("b-1", Monthly(1));
        counters.GetBudget("b-2", Monthly(2));
        counters.GetRateLimit("rl-1", new RateLimitDefinition(1, TimeSpan.FromSeconds(1)));
        counters.GetConcurrencyGate("g-1", 1);

        Assert.Equal(new[] { "b-1", "b-2" }, counters.ListBudgets().Select(b => b.Id).Order());
        Assert.Single(counters.ListRateLimits());
        Assert.Single(counters.ListConcurrencyGates());
        Assert.True(counters.TryGetBudget("b-2", out var b2));
        Assert.Equal(2, b2.Definition.LimitNano);

        Assert.True(counters.RemoveBudget("b-1"));
        Assert.False(counters.RemoveBudget("b-1"));
        Assert.True(counters.RemoveRateLimit("rl-1"));
        Assert.True(counters.RemoveConcurrencyGate("g-1"));

        Assert.Equal("b-2", Assert.Single(counters.ListBudgets()).Id);
        Assert.False(counters.TryGetBudget("b-1", out _));
        Assert.False(counters.TryGetRateLimit("rl-1", out _));
        Assert.False(counters.TryGetConcurrencyGate("g-1", out _));
        Assert.Empty(counters.ListRateLimits());
    }

    [Fact]
    public async Task GetBudget_200ConcurrentFirstUses_CreateOneLedger()
    {
        var counters = new InMemoryGovernanceCounters(new FakeTimeProvider(Start));
        var definition = Monthly(1_000_000);

        await Concurrently.RunAsync(200, caller =>
        {
            var ledger = counters.GetBudget("b-race", definition);
            Assert.True(ledger.TryReserve(1_000, Start, out _));
        });

        Assert.Equal(200_000, Assert.Single(counters.ListBudgets()).Snapshot(Start).ReservedNano);
    }
}
