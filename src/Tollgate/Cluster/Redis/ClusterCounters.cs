using System.Collections.Concurrent;
using StackExchange.Redis;
using Tollgate.Configuration;
using Tollgate.Governance.Counters;

namespace Tollgate.Cluster.Redis;

/// <summary>
/// The counters governance uses in cluster mode: Redis while it answers, else what <c>cluster.redis_failure_mode</c>
/// says (per-instance counters with divided limits, or <see cref="CountersUnavailableException"/> for a 503).
/// <code>
///   admit ──► Redis up? ──yes──► script (≤ redis_timeout_ms) ──ok──► result (shared)
///                │                         └─fails─┐
///                └no──────────────────────────────►├─ local       ──► LocalBatchCounters (limits ÷ live instances)
///                                                  └─ fail_closed ──► CountersUnavailableException (503)
///   settle ──► where it was admitted; a Redis settle that fails waits in a bounded queue for Redis to return
/// </code>
/// StackExchange.Redis reconnects by itself; commands fail fast while it is disconnected (no backlog), so no request
/// waits on a dead Redis longer than the timeout.
/// </summary>
internal sealed class ClusterCounters : IBatchCounters
{
    private const int MaxPendingSettles = 10_000;

    private readonly RedisBatchCounters _redis;
    private readonly LocalBatchCounters _local;
    private readonly GatewayConfigMonitor _config;
    private readonly ClusterMetrics _metrics;
    private readonly ILogger<ClusterCounters> _logger;
    private readonly ConcurrentQueue<(IReadOnlyList<CounterOp> Ops, DateTimeOffset Now)> _pending = new();

    // Budget reservations this instance holds in Redis, by budget key: when Redis is lost they are still going to be
    // spent, so the local share of a budget starts with them (see SeedBudgetAsync).
    private readonly ConcurrentDictionary<string, long> _outstanding = new(StringComparer.Ordinal);
    private int _down;

    public ClusterCounters(RedisBatchCounters redis, LocalBatchCounters local, GatewayConfigMonitor config, ClusterMetrics metrics, ILogger<ClusterCounters> logger)
    {
        _redis = redis;
        _local = local;
        _config = config;
        _metrics = metrics;
        _logger = logger;
        _metrics.RedisUp.Set(1);
    }

    /// <summary>True while Redis does not answer.</summary>
    public bool RedisDown => Volatile.Read(ref _down) == 1;

    /// <summary>Raised when Redis answers again after an outage (budgets are then reconciled with the store).</summary>
    public event Action? Recovered;

    public int PendingSettles => _pending.Count;

    public string Mode => !RedisDown ? "redis" : _config.Current.Cluster.RedisFailureMode == RedisFailureMode.Local ? "local" : "unavailable";

    public int LocalDivisor => _local.Divisor;

    public async ValueTask<CounterBatchResult> AdmitAsync(IReadOnlyList<CounterOp> ops, DateTimeOffset now)
    {
        Exception? failure = null;
        if (_redis.IsConnected)
        {
            try
            {
                var result = await _redis.AdmitAsync(ops, now).ConfigureAwait(false);
                _metrics.RedisCalls.WithLabels("admit").Inc();
                MarkUp();
                if (result.Allowed)
                {
                    Track(ops, CounterOpKind.Reserve, +1);
                }

                return result;
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                failure = ex;
            }
        }

        MarkDown(failure);
        if (_config.Current.Cluster.RedisFailureMode == RedisFailureMode.FailClosed)
        {
            throw new CountersUnavailableException("The gateway's shared rate-limit and budget counters (Redis) are unreachable; try again shortly.", failure);
        }

        return _local.Admit(ops, now);
    }

    public async ValueTask SettleAsync(IReadOnlyList<CounterOp> ops, bool local, DateTimeOffset now)
    {
        if (ops.Count == 0)
        {
            return;
        }

        if (local)
        {
            _local.Settle(ops, now);
            return;
        }

        Track(ops, CounterOpKind.Settle, -1);
        if (_redis.IsConnected)
        {
            try
            {
                await _redis.SettleAsync(ops, now).ConfigureAwait(false);
                _metrics.RedisCalls.WithLabels("settle").Inc();
                return;
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                MarkDown(ex);
            }
        }

        Defer(ops, now);
    }

    public async ValueTask SeedBudgetAsync(string key, long windowStartMs, long windowEndMs, long spentNano, bool local)
    {
        if (local)
        {
            // This instance's share of the spend so far, plus what it reserved in Redis before losing it: those calls
            // are still running and will spend.
            _local.Seed(key, windowStartMs, spentNano, _outstanding.GetValueOrDefault(key));
            return;
        }

        try
        {
            await _redis.SeedBudgetAsync(key, windowStartMs, windowEndMs, spentNano).ConfigureAwait(false);
            _metrics.RedisCalls.WithLabels("seed").Inc();
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            MarkDown(ex);
            if (_config.Current.Cluster.RedisFailureMode == RedisFailureMode.FailClosed)
            {
                throw new CountersUnavailableException("The gateway's shared rate-limit and budget counters (Redis) are unreachable; try again shortly.", ex);
            }

            // Local mode: the retried admission goes to the local counters, which ask for their own seed.
        }
    }

    public async ValueTask<BudgetCounterState?> ReadBudgetAsync(string key, DateTimeOffset now)
    {
        // Down, the local counters hold only this instance's share; the caller shows the durable store's view instead.
        if (RedisDown || !_redis.IsConnected)
        {
            return null;
        }

        try
        {
            var state = await _redis.ReadBudgetAsync(key, now).ConfigureAwait(false);
            _metrics.RedisCalls.WithLabels("read").Inc();
            return state;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            // An advisory read: the admission path and the heartbeat decide whether Redis is down, not the admin view.
            return null;
        }
    }

    /// <summary>Heartbeat: refreshes this instance's liveness, retries deferred settlements, notices a recovery.</summary>
    public async Task HeartbeatAsync(DateTimeOffset now)
    {
        if (!_redis.IsConnected)
        {
            MarkDown(null);
            return;
        }

        try
        {
            await _redis.HeartbeatAsync().ConfigureAwait(false);
            while (_pending.TryPeek(out var item))
            {
                await _redis.SettleAsync(item.Ops, item.Now).ConfigureAwait(false);
                _pending.TryDequeue(out _);
            }

            _metrics.PendingSettles.Set(_pending.Count);
            MarkUp();
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            MarkDown(ex);
        }
    }

    public Task LeaveAsync() => _redis.IsConnected ? _redis.LeaveAsync() : Task.CompletedTask;

    private void Track(IReadOnlyList<CounterOp> ops, CounterOpKind kind, int sign)
    {
        foreach (var op in ops)
        {
            if (op.Kind == kind)
            {
                var amount = kind == CounterOpKind.Reserve ? op.C : op.A;
                _outstanding.AddOrUpdate(op.Key, static (_, add) => Math.Max(0, add), static (_, old, add) => Math.Max(0, old + add), sign * amount);
            }
        }
    }

    private void Defer(IReadOnlyList<CounterOp> ops, DateTimeOffset now)
    {
        if (_pending.Count >= MaxPendingSettles)
        {
            ClusterLog.SettlesDropped(_logger, 1);
            return;
        }

        _pending.Enqueue((ops, now));
        _metrics.PendingSettles.Set(_pending.Count);
    }

    private void MarkDown(Exception? failure)
    {
        _metrics.RedisFailures.Inc();
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            var mode = _config.Current.Cluster.RedisFailureMode;
            _metrics.RedisUp.Set(0);
            _metrics.LocalCounters.Set(mode == RedisFailureMode.Local ? 1 : 0);
            ClusterLog.RedisDown(_logger, failure?.GetType().Name ?? "disconnected",
                mode == RedisFailureMode.Local ? "local" : "fail_closed",
                mode == RedisFailureMode.Local
                    ? $"limits are enforced per instance, divided by {_local.Divisor} live instances"
                    : "governed requests get 503 until Redis answers");
        }
    }

    private void MarkUp()
    {
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            _metrics.RedisUp.Set(1);
            _metrics.LocalCounters.Set(0);
            _local.Clear();
            ClusterLog.RedisUp(_logger);
            Recovered?.Invoke();
        }
    }

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;
}
