using Tollgate.Governance.Limits;

namespace Tollgate.Governance.Counters;

/// <summary>
/// Per-instance counters with the semantics of the Redis scripts (Cluster/Redis/CounterScripts.cs), used while Redis
/// is unreachable and <c>cluster.redis_failure_mode</c> is <c>local</c>. Every limit is divided by the live instance
/// count, so the cluster as a whole stays within the limits while it cannot share counters: a budget's remaining money
/// is split evenly (each instance's share of the limit and of the spend in the store), rate limits and concurrency
/// caps are divided (at least 1 each). One lock guards the state: this is the degraded path, not the hot one.
/// </summary>
internal sealed class LocalBatchCounters(Func<int> liveInstances)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _gates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Budget> _budgets = new(StringComparer.Ordinal);

    /// <summary>Forgets every counter: the shared counters are back, and a later outage starts from the store again.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _buckets.Clear();
            _gates.Clear();
            _budgets.Clear();
        }
    }

    public int Divisor => Math.Max(1, liveInstances());

    public CounterBatchResult Admit(IReadOnlyList<CounterOp> ops, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var n = Divisor;
        var decisions = new RateLimitDecision[ops.Count];
        lock (_lock)
        {
            // Pass 1 decides without writing, pass 2 applies: all or none, like the script.
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                switch (op.Kind)
                {
                    case CounterOpKind.GateEnter:
                        if (_gates.GetValueOrDefault(op.Key) >= Share(op.A, n))
                        {
                            return new CounterBatchResult(i, -1, decisions, 0, Local: true);
                        }

                        break;
                    case CounterOpKind.Take or CounterOpKind.Peek:
                        var bucket = LoadBucket(op.Key, Share(op.A, n), op.B, nowMs);
                        decisions[i] = CounterMath.Decide(bucket.Epoch, bucket.Tat, Share(op.A, n), op.B, op.C, nowMs, out _);
                        if (!decisions[i].Allowed)
                        {
                            return new CounterBatchResult(i, -1, decisions, 0, Local: true);
                        }

                        break;
                    case CounterOpKind.Reserve:
                        if (!_budgets.TryGetValue(op.Key, out var budget))
                        {
                            return new CounterBatchResult(-1, i, decisions, 0, Local: true);
                        }

                        var spent = budget.WindowStart < op.B ? 0 : budget.Spent;
                        if (spent + budget.Reserved + op.C > op.A / n)
                        {
                            return new CounterBatchResult(i, -1, decisions, (spent + budget.Reserved) * n, Local: true);
                        }

                        break;
                }
            }

            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                switch (op.Kind)
                {
                    case CounterOpKind.GateEnter:
                        _gates[op.Key] = _gates.GetValueOrDefault(op.Key) + 1;
                        break;
                    case CounterOpKind.Take:
                        var bucket = LoadBucket(op.Key, Share(op.A, n), op.B, nowMs);
                        CounterMath.Decide(bucket.Epoch, bucket.Tat, Share(op.A, n), op.B, op.C, nowMs, out var tat);
                        _buckets[op.Key] = bucket with { Tat = tat };
                        break;
                    case CounterOpKind.Reserve:
                        var budget = _budgets[op.Key];
                        if (budget.WindowStart < op.B)
                        {
                            budget = budget with { WindowStart = op.B, Spent = 0 };
                        }

                        _budgets[op.Key] = budget with { Reserved = budget.Reserved + op.C };
                        break;
                }
            }
        }

        return new CounterBatchResult(-1, -1, decisions, 0, Local: true);
    }

    public void Settle(IReadOnlyList<CounterOp> ops, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var n = Divisor;
        lock (_lock)
        {
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case CounterOpKind.GateExit:
                        var inFlight = _gates.GetValueOrDefault(op.Key) - 1;
                        if (inFlight <= 0)
                        {
                            _gates.Remove(op.Key);
                        }
                        else
                        {
                            _gates[op.Key] = inFlight;
                        }

                        break;
                    case CounterOpKind.Adjust:
                        var bucket = LoadBucket(op.Key, Share(op.A, n), op.B, nowMs);
                        _buckets[op.Key] = bucket with { Tat = CounterMath.Adjust(bucket.Epoch, bucket.Tat, Share(op.A, n), op.B, op.C, nowMs) };
                        break;
                    case CounterOpKind.Settle:
                        if (_budgets.TryGetValue(op.Key, out var budget))
                        {
                            if (budget.WindowStart < op.B)
                            {
                                budget = budget with { WindowStart = op.B, Spent = 0 };
                            }

                            _budgets[op.Key] = budget with { Reserved = Math.Max(0, budget.Reserved - op.A), Spent = budget.Spent + op.C };
                        }

                        break;
                }
            }
        }
    }

    /// <summary>
    /// Starts a budget's local share from the store: this instance's share of the spend so far, plus
    /// <paramref name="ownOutstandingNano"/> (what this instance's calls still running reserved before the outage).
    /// </summary>
    public void Seed(string key, long windowStartMs, long spentNano, long ownOutstandingNano = 0)
    {
        lock (_lock)
        {
            _budgets.TryAdd(key, new Budget(windowStartMs, (spentNano / Divisor) + ownOutstandingNano, 0));
        }
    }

    /// <summary>Budget state for the admin API and tests: spent and reserved of this instance's share.</summary>
    public (long Spent, long Reserved)? BudgetState(string key)
    {
        lock (_lock)
        {
            return _budgets.TryGetValue(key, out var budget) ? (budget.Spent, budget.Reserved) : null;
        }
    }

    private static long Share(long limit, int n) => Math.Max(1, limit / n);

    private Bucket LoadBucket(string key, long limit, long windowMs, long nowMs)
    {
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            return new Bucket(nowMs, 0, limit, windowMs);
        }

        if (bucket.Limit != limit || bucket.WindowMs != windowMs)
        {
            var consumed = Math.Max(0, bucket.Tat - CounterMath.Clock(bucket.Epoch, bucket.Limit, bucket.WindowMs, nowMs));
            return new Bucket(nowMs, consumed, limit, windowMs);
        }

        return bucket;
    }

    private readonly record struct Bucket(long Epoch, long Tat, long Limit, long WindowMs);

    private readonly record struct Budget(long WindowStart, long Spent, long Reserved);
}
