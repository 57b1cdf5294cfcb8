using BenchmarkDotNet.Attributes;
using Tollgate.Governance.Limits;

namespace Tollgate.Benchmarks;

/// <summary>
/// The governance counters a virtual-key request touches: token buckets (requests and tokens per window), budget
/// ledgers (reserve the worst case, settle the real cost) and concurrency gates. Budget: 0 B/op each
/// (tests/Tollgate.Tests/Governance/Limits/LimitAllocationTests.cs). Limits are far above what a run reaches, so
/// every call takes the admit path; the clock advances 1 ms per call so the bucket refills like a real one.
/// </summary>
[MemoryDiagnoser]
public class LimitBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private TokenBucket _bucket = null!;
    private BudgetLedger _ledger = null!;
    private BudgetLedger[] _ledgers = [];
    private ConcurrencyGate _gate = null!;
    private InMemoryGovernanceCounters _counters = null!;
    private RateLimitDefinition _rate = null!;
    private BudgetDefinition _budget = null!;
    private long _tick;

    [GlobalSetup]
    public void Setup()
    {
        _rate = new RateLimitDefinition(100_000_000, TimeSpan.FromMinutes(1));
        _budget = new BudgetDefinition(long.MaxValue / 2, BudgetPeriod.Parse("1d"), Start);
        _bucket = new TokenBucket("rl", _rate, Start);
        _ledger = new BudgetLedger("b", _budget);
        _ledgers = [new BudgetLedger("b-vk", _budget), new BudgetLedger("b-team", _budget)];
        _gate = new ConcurrencyGate("g", 1_000);
        _counters = new InMemoryGovernanceCounters(TimeProvider.System);
    }

    // 1 ms per call: the 1e8/min bucket refills ~1,667 per call, more than a call takes. The budget's day rolls every
    // 86.4 million calls, which a long run reaches; rolling allocates nothing either.
    private DateTimeOffset Next() => Start.AddTicks(TimeSpan.TicksPerMillisecond * ++_tick);

    [Benchmark(Description = "TokenBucket.TryTake(1)")]
    public bool TakeRequest() => _bucket.TryTake(1, Next()).Allowed;

    [Benchmark(Description = "TokenBucket.TryTake(600 tokens)")]
    public bool TakeTokens() => _bucket.TryTake(600, Next()).Allowed;

    [Benchmark(Description = "BudgetLedger.TryReserve + Settle")]
    public bool ReserveSettle()
    {
        var now = Next();
        var ok = _ledger.TryReserve(170_000, now, out _);
        _ledger.Settle(170_000, 120_000, now, now);
        return ok;
    }

    [Benchmark(Description = "BudgetLedger.TryReserve + Release")]
    public bool ReserveRelease()
    {
        var ok = _ledger.TryReserve(170_000, Next(), out _);
        _ledger.Release(170_000);
        return ok;
    }

    [Benchmark(Description = "BudgetReservation.TryReserveAll + SettleAll (key + team)")]
    public bool ReserveSettleAll()
    {
        var now = Next();
        var ok = BudgetReservation.TryReserveAll(_ledgers, 170_000, now, out _);
        BudgetReservation.SettleAll(_ledgers, 170_000, 120_000, now, now);
        return ok;
    }

    [Benchmark(Description = "TokenBucket.TryTake denied (empty bucket)")]
    public bool TakeDenied() => _bucket.TryTake(_rate.Limit + 1, Next()).Allowed;

    [Benchmark(Description = "ConcurrencyGate.TryEnter + Exit")]
    public bool EnterExit()
    {
        var ok = _gate.TryEnter();
        _gate.Exit();
        return ok;
    }

    [Benchmark(Description = "InMemoryGovernanceCounters lookups (bucket + ledger)")]
    public bool Lookups() =>
        _counters.GetRateLimit("rl", _rate) is not null && _counters.GetBudget("b", _budget) is not null;
}
