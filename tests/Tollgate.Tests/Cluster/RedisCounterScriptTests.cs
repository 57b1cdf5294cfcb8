using StackExchange.Redis;
using Tollgate.Cluster;
using Tollgate.Cluster.Redis;
using Tollgate.Governance.Counters;
using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Cluster;

/// <summary>
/// The Lua counter scripts on a real redis-server, step by step with chosen clocks, against the per-instance counters
/// that stand in for them while Redis is down: both must decide alike (token buckets exact to the token, budgets all
/// or none, slots and reservations of a dead instance dropped).
/// </summary>
public sealed class RedisCounterScriptTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly string _prefix = "t-" + Guid.NewGuid().ToString("N")[..10] + ":";
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(RedisServer.Shared);

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private RedisBatchCounters Counters(string instance = "a") =>
        new(_redis, Tollgate.Cluster.ClusterInstance.ForTest(instance), () => _prefix, () => TimeSpan.FromSeconds(6));

    [Fact]
    public async Task TokenBucket_BurstRefillAndRetryAfter_MatchTheLocalCounters()
    {
        var redis = Counters();
        var local = new LocalBatchCounters(() => 1);
        // 3 per second: a burst of exactly 3, then one token every 333.33 ms; amounts over capacity are refused as such.
        var steps = new (int AtMs, long Amount)[] { (0, 1), (0, 1), (0, 1), (0, 1), (100, 1), (334, 1), (334, 1), (700, 2), (1_500, 3), (1_500, 4), (5_000, 3) };
        foreach (var (atMs, amount) in steps)
        {
            var now = Start.AddMilliseconds(atMs);
            CounterOp[] ops = [new(CounterOpKind.Take, "rl:x", 3, 1_000, amount)];
            var shared = await redis.AdmitAsync(ops, now);
            var alone = local.Admit(ops, now);
            Assert.Equal(alone.Decisions[0], shared.Decisions[0]);
            Assert.Equal(alone.Denied, shared.Denied);
        }

        var allowed = 0;
        for (var i = 0; i < 10; i++)
        {
            allowed += (await redis.AdmitAsync([new(CounterOpKind.Take, "rl:burst", 60, 60_000, 1)], Start)).Allowed ? 1 : 0;
        }

        Assert.Equal(10, allowed);
        var refused = await redis.AdmitAsync([new(CounterOpKind.Take, "rl:burst", 10, 60_000, 1)], Start);
        Assert.False(refused.Allowed, "lowering the limit to 10 with 10 used leaves nothing");
    }

    [Fact]
    public async Task AdmissionBatch_IsAllOrNone_AndABudgetWithoutStateAsksToBeSeeded()
    {
        var redis = Counters();
        var window = (Start: Start.ToUnixTimeMilliseconds(), End: Start.AddDays(1).ToUnixTimeMilliseconds());
        CounterOp Reserve(long amount) => new(CounterOpKind.Reserve, "b:team", 1_000, window.Start, amount, window.End);
        CounterOp[] ops = [new(CounterOpKind.Take, "rl:req", 100, 60_000, 1), Reserve(600)];

        var unseeded = await redis.AdmitAsync(ops, Start);
        Assert.Equal(1, unseeded.MissingBudget);
        await redis.SeedBudgetAsync("b:team", window.Start, window.End, spentNano: 300);
        await redis.SeedBudgetAsync("b:team", window.Start, window.End, spentNano: 999); // a second seed changes nothing

        Assert.True((await redis.AdmitAsync(ops, Start)).Allowed); // 300 spent + 600 reserved
        var refused = await redis.AdmitAsync(ops, Start);
        Assert.Equal(1, refused.Denied);
        Assert.Equal(900, refused.DeniedUsedNano);

        // The refusal took nothing: one request of 100 is used, not two (a peek reports what would remain after one more).
        var probe = await redis.AdmitAsync([new(CounterOpKind.Peek, "rl:req", 100, 60_000, 1)], Start);
        Assert.Equal(98, probe.Decisions[0].Remaining);

        // Settling 600 reserved as 50 spent frees 550: spent 350, and 650 more fits.
        await redis.SettleAsync([new(CounterOpKind.Settle, "b:team", 600, window.Start, 50, window.End)], Start);
        Assert.True((await redis.AdmitAsync([Reserve(650)], Start)).Allowed);
        Assert.False((await redis.AdmitAsync([Reserve(1)], Start)).Allowed);
    }

    [Fact]
    public async Task SlotsAndReservationsOfADeadInstance_StopCounting_WhenItsLivenessExpires()
    {
        var a = Counters("a");
        var b = Counters("b");
        var window = (Start: Start.ToUnixTimeMilliseconds(), End: Start.AddDays(1).ToUnixTimeMilliseconds());
        await a.SeedBudgetAsync("b:x", window.Start, window.End, 0);
        CounterOp[] ops = [new(CounterOpKind.GateEnter, "c:vk", 1), new(CounterOpKind.Reserve, "b:x", 100, window.Start, 100, window.End)];
        Assert.True((await a.AdmitAsync(ops, Start)).Allowed);
        Assert.Equal(0, (await b.AdmitAsync(ops, Start)).Denied); // the one slot is a's

        await a.LeaveAsync(); // what a liveness key's expiry does after kill -9, at once
        Assert.True((await b.AdmitAsync(ops, Start)).Allowed, "a's slot and reservation died with it");
    }

    [Fact]
    public async Task LocalCounters_DivideEveryLimitByTheLiveInstances()
    {
        var local = new LocalBatchCounters(() => 3);
        var window = (Start: Start.ToUnixTimeMilliseconds(), End: Start.AddDays(1).ToUnixTimeMilliseconds());
        var allowed = 0;
        for (var i = 0; i < 100; i++)
        {
            allowed += local.Admit([new(CounterOpKind.Take, "rl:r", 60, 60_000, 1)], Start).Allowed ? 1 : 0;
        }

        Assert.Equal(20, allowed);
        CounterOp reserve = new(CounterOpKind.Reserve, "b:x", 900, window.Start, 100, window.End);
        Assert.Equal(0, local.Admit([reserve], Start).MissingBudget);
        local.Seed("b:x", window.Start, 300); // this instance's share: limit 300, spent 100
        Assert.True(local.Admit([reserve], Start).Allowed);
        Assert.True(local.Admit([reserve], Start).Allowed);
        Assert.False(local.Admit([reserve], Start).Allowed);
        Assert.True(local.Admit([new(CounterOpKind.GateEnter, "c:g", 3)], Start).Allowed);
        Assert.Equal(0, local.Admit([new(CounterOpKind.GateEnter, "c:g", 3)], Start).Denied); // a cap of 3 over 3 instances is 1 here
    }
}
