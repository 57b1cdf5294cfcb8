using System.Globalization;
using StackExchange.Redis;
using Tollgate.Governance.Counters;
using Tollgate.Governance.Limits;

namespace Tollgate.Cluster.Redis;

/// <summary>
/// The cluster's counters in Redis: each admission and each settlement is one script call (one round trip), atomic on
/// the server (<see cref="CounterScripts"/>). Keys are <c>{prefix}{logical key}</c>; token buckets expire once full,
/// budgets a day after their window ends, concurrency gates a day after last use.
/// </summary>
internal sealed class RedisBatchCounters(IConnectionMultiplexer redis, ClusterInstance instance, Func<string> prefix, Func<TimeSpan> livenessTtl)
{
    private static readonly RedisValue[] KindLetters = ["g", "r", "p", "b", "x", "a", "s"];

    public bool IsConnected => redis.IsConnected;

    private string Prefix => prefix();

    public async ValueTask<CounterBatchResult> AdmitAsync(IReadOnlyList<CounterOp> ops, DateTimeOffset now)
    {
        var (keys, values) = Arguments(ops, now);
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CounterScripts.Admit, keys, values).ConfigureAwait(false))!;
        var status = (int)reply[0];
        var index = (int)reply[1];
        var decisions = new RateLimitDecision[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i].Kind is CounterOpKind.Take or CounterOpKind.Peek)
            {
                var b = 3 + (i * 6);
                decisions[i] = new RateLimitDecision(
                    (long)reply[b] == 1, (long)reply[b + 1] == 1, (long)reply[b + 2], (long)reply[b + 3],
                    TimeSpan.FromMilliseconds((long)reply[b + 4]), TimeSpan.FromMilliseconds((long)reply[b + 5]));
            }
        }

        return status switch
        {
            1 => new CounterBatchResult(-1, -1, decisions, 0, Local: false),
            2 => new CounterBatchResult(-1, index, decisions, 0, Local: false),
            _ => new CounterBatchResult(index, -1, decisions, (long)reply[2], Local: false),
        };
    }

    /// <summary>Applies a settlement; returns how many budgets had no state (flushed Redis: the next admission reseeds them).</summary>
    public async ValueTask<int> SettleAsync(IReadOnlyList<CounterOp> ops, DateTimeOffset now)
    {
        var (keys, values) = Arguments(ops, now);
        return (int)await redis.GetDatabase().ScriptEvaluateAsync(CounterScripts.Settle, keys, values).ConfigureAwait(false);
    }

    public async ValueTask SeedBudgetAsync(string key, long windowStartMs, long windowEndMs, long spentNano) =>
        await redis.GetDatabase().ScriptEvaluateAsync(CounterScripts.Seed, [Prefix + key],
            [windowStartMs, spentNano, windowEndMs + 86_400_000]).ConfigureAwait(false);

    /// <summary>
    /// Raises a budget's spend in Redis to the store's when Redis holds less (it lost writes); returns Redis's spend
    /// before, or null when Redis has no state for that window.
    /// </summary>
    public async ValueTask<long?> ReconcileAsync(string key, long windowStartMs, long storeSpentNano)
    {
        var before = (long)await redis.GetDatabase().ScriptEvaluateAsync(CounterScripts.Reconcile, [Prefix + key],
            [windowStartMs, storeSpentNano]).ConfigureAwait(false);
        return before < 0 ? null : before;
    }

    public async ValueTask<BudgetCounterState?> ReadBudgetAsync(string key, DateTimeOffset now)
    {
        var (_, values) = Arguments([], now);
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CounterScripts.ReadBudget, [Prefix + key], values).ConfigureAwait(false))!;
        var windowStart = (long)reply[0];
        return windowStart < 0 ? null : new BudgetCounterState(windowStart, (long)reply[1], (long)reply[2]);
    }

    /// <summary>Marks this instance alive, so the slots and reservations it holds count in other instances' sums.</summary>
    public Task HeartbeatAsync() =>
        redis.GetDatabase().StringSetAsync(Prefix + "inst:" + instance.Id, "1", livenessTtl());

    /// <summary>Drops this instance's liveness at shutdown: what it still holds stops counting at once.</summary>
    public Task LeaveAsync() => redis.GetDatabase().KeyDeleteAsync(Prefix + "inst:" + instance.Id);

    private (RedisKey[] Keys, RedisValue[] Values) Arguments(IReadOnlyList<CounterOp> ops, DateTimeOffset now)
    {
        var p = Prefix;
        var keys = new RedisKey[ops.Count];
        var values = new RedisValue[4 + (ops.Count * 5)];
        values[0] = now.ToUnixTimeMilliseconds();
        values[1] = instance.Id;
        values[2] = p + "inst:";
        values[3] = ((long)livenessTtl().TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            keys[i] = p + op.Key;
            var v = 4 + (i * 5);
            values[v] = KindLetters[(int)op.Kind];
            values[v + 1] = op.A;
            values[v + 2] = op.B;
            values[v + 3] = op.C;
            values[v + 4] = op.D;
        }

        return (keys, values);
    }
}
