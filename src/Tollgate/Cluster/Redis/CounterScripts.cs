namespace Tollgate.Cluster.Redis;

/// <summary>
/// The Lua scripts behind the Redis counters; each runs atomically on the server, so one admission (or settlement) is
/// one round trip and no other instance sees it half done. Semantics match Governance/Counters/LocalBatchCounters.cs.
/// <para>
/// KEYS[i] is the counter of step i; ARGV = now (unix ms), instance id, liveness key prefix, liveness TTL (ms), then
/// five values per step: kind letter, A, B, C, D (Governance/Counters/CounterOpKind.cs). Numbers stay integers below
/// 2^53 (Lua numbers are doubles): token buckets are rebased so the clock product stays small, money is nano-USD.
/// </para>
/// <para>
/// Concurrency slots and budget reservations are held per instance (hash fields named by instance id), and an instance
/// whose liveness key (refreshed on each admission and by a heartbeat) has expired is dropped from the sums: a killed
/// instance never holds slots or reservations for long.
/// </para>
/// </summary>
internal static class CounterScripts
{
    private const string Common = """
        local now = tonumber(ARGV[1])
        local inst = ARGV[2]
        local alive = ARGV[3]
        local function S(x) return string.format('%.0f', x) end
        local function fmod(a, b) local r = math.fmod(a, b); return r end
        local function clock(e, l, w, t)
          local p = (t - e) * l
          local r = math.fmod(p, w)
          if r < 0 then r = r + w end
          return (p - r) / w
        end
        local function untilc(e, l, w, target)
          local p = target * w
          local r = math.fmod(p, l)
          local q = (p - r) / l
          if r > 0 then q = q + 1 end
          local at = e + q
          if at <= now then return 0 end
          return at - now
        end
        local function load_bucket(key, l, w)
          local s = redis.call('HMGET', key, 'e', 't', 'l', 'w')
          local e, t = tonumber(s[1]), tonumber(s[2])
          if not e then return now, 0, false end
          local ol, ow = tonumber(s[3]), tonumber(s[4])
          if ol ~= l or ow ~= w then
            return now, math.max(0, t - clock(e, ol, ow, now)), true
          end
          local span = now - e
          if span > 2 * w then
            local k = math.floor(span / w) - 1
            e = e + k * w
            t = t - k * l
          end
          return e, t, true
        end
        local function store_bucket(key, e, t, l, w)
          redis.call('HSET', key, 'e', S(e), 't', S(t), 'l', S(l), 'w', S(w))
          redis.call('PEXPIRE', key, S(untilc(e, l, w, t) + 1000))
        end
        local function live(field)
          return field == inst or redis.call('EXISTS', alive .. field) == 1
        end
        local function gate_sum(key)
          local all = redis.call('HGETALL', key)
          local sum = 0
          for i = 1, #all, 2 do
            if live(all[i]) then sum = sum + tonumber(all[i + 1]) else redis.call('HDEL', key, all[i]) end
          end
          return sum
        end
        local function reserved_sum(key)
          local all = redis.call('HGETALL', key)
          local sum = 0
          for i = 1, #all, 2 do
            local f = all[i]
            if string.sub(f, 1, 2) == 'r:' then
              if live(string.sub(f, 3)) then sum = sum + tonumber(all[i + 1]) else redis.call('HDEL', key, f) end
            end
          end
          return sum
        end
        """;

    /// <summary>
    /// Admission: returns <c>{status, index, used, then six values per step}</c>; status 1 = applied, 0 = refused at
    /// step <c>index</c> (0-based), 2 = budget at <c>index</c> has no state (seed it from the store, then retry).
    /// The six values of a token-bucket step: allowed, exceeds capacity, limit, remaining, retry after ms, reset after ms.
    /// </summary>
    public const string Admit = Common + """

        redis.call('SET', alive .. inst, '1', 'PX', ARGV[4])
        local n = #KEYS
        local out = {1, -1, 0}
        for i = 1, n * 6 do out[3 + i] = 0 end
        local function arg(i, j) return ARGV[4 + (i - 1) * 5 + j] end
        local function num(i, j) return tonumber(arg(i, j)) end
        local plan = {}
        for i = 1, n do
          local kind, key, a, b, c, d = arg(i, 1), KEYS[i], num(i, 2), num(i, 3), num(i, 4), num(i, 5)
          local base = 3 + (i - 1) * 6
          if kind == 'g' then
            if gate_sum(key) >= a then out[1] = 0; out[2] = i - 1; return out end
          elseif kind == 'r' or kind == 'p' then
            local e, t = load_bucket(key, a, b)
            local ck = clock(e, a, b, now)
            local start = math.max(t, ck)
            local avail = a - (start - ck)
            out[base + 3] = a
            out[base + 4] = math.max(0, avail)
            if c > a then
              out[base + 2] = 1
              out[base + 6] = untilc(e, a, b, start)
              out[1] = 0; out[2] = i - 1; return out
            elseif c > avail then
              out[base + 5] = untilc(e, a, b, start + c - a)
              out[base + 6] = untilc(e, a, b, start)
              out[1] = 0; out[2] = i - 1; return out
            end
            out[base + 1] = 1
            out[base + 4] = avail - c
            out[base + 6] = untilc(e, a, b, start + c)
            if kind == 'r' then plan[i] = {e, start + c} end
          elseif kind == 'b' then
            local s = redis.call('HMGET', key, 'w', 's')
            if not s[1] then out[1] = 2; out[2] = i - 1; return out end
            local spent = tonumber(s[2]) or 0
            if tonumber(s[1]) < b then spent = 0 end
            local used = spent + reserved_sum(key)
            if used + c > a then out[1] = 0; out[2] = i - 1; out[3] = used; return out end
          end
        end
        for i = 1, n do
          local kind, key, a, b, c, d = arg(i, 1), KEYS[i], num(i, 2), num(i, 3), num(i, 4), num(i, 5)
          if kind == 'g' then
            redis.call('HINCRBY', key, inst, 1)
            redis.call('PEXPIRE', key, 86400000)
          elseif kind == 'r' then
            store_bucket(key, plan[i][1], plan[i][2], a, b)
          elseif kind == 'b' then
            if tonumber(redis.call('HGET', key, 'w')) < b then redis.call('HSET', key, 'w', S(b), 's', '0') end
            redis.call('HINCRBY', key, 'r:' .. inst, S(c))
            redis.call('PEXPIREAT', key, S(d + 86400000))
          end
        end
        return out
        """;

    /// <summary>Settlement: applies every step whose state exists; returns the number of budgets that had none.</summary>
    public const string Settle = Common + """

        local n = #KEYS
        local missing = 0
        local function arg(i, j) return ARGV[4 + (i - 1) * 5 + j] end
        local function num(i, j) return tonumber(arg(i, j)) end
        for i = 1, n do
          local kind, key, a, b, c, d = arg(i, 1), KEYS[i], num(i, 2), num(i, 3), num(i, 4), num(i, 5)
          if kind == 'x' then
            if redis.call('HINCRBY', key, inst, -1) <= 0 then redis.call('HDEL', key, inst) end
          elseif kind == 'a' then
            local e, t, exists = load_bucket(key, a, b)
            if exists or c > 0 then
              local ck = clock(e, a, b, now)
              store_bucket(key, e, math.max(math.max(t, ck) + c, ck), a, b)
            end
          elseif kind == 's' then
            local w = redis.call('HGET', key, 'w')
            if not w then
              missing = missing + 1
            else
              if tonumber(w) < b then redis.call('HSET', key, 'w', S(b), 's', '0') end
              if redis.call('HINCRBY', key, 'r:' .. inst, S(-a)) <= 0 then redis.call('HDEL', key, 'r:' .. inst) end
              redis.call('HINCRBY', key, 's', S(c))
              redis.call('PEXPIREAT', key, S(d + 86400000))
            end
          end
        end
        return missing
        """;

    /// <summary>
    /// A budget's state: <c>{window start, spent, reserved by live instances}</c>, or <c>{-1, 0, 0}</c> without state.
    /// KEYS[1]; ARGV as in every script (now, instance id, liveness prefix, liveness TTL).
    /// </summary>
    public const string ReadBudget = Common + """

        local w = redis.call('HGET', KEYS[1], 'w')
        if not w then return {-1, 0, 0} end
        return {tonumber(w), tonumber(redis.call('HGET', KEYS[1], 's') or '0'), reserved_sum(KEYS[1])}
        """;

    /// <summary>Seeds a budget from the durable store unless another instance did first: KEYS[1]; ARGV = window start, spent, expiry.</summary>
    public const string Seed = """
        if redis.call('HSETNX', KEYS[1], 'w', ARGV[1]) == 1 then
          redis.call('HSET', KEYS[1], 's', ARGV[2])
          redis.call('PEXPIREAT', KEYS[1], ARGV[3])
          return 1
        end
        return 0
        """;

    /// <summary>Raises a budget's spend to what the store holds when Redis lost some: KEYS[1]; ARGV = window start, store spend. Returns Redis spend before.</summary>
    public const string Reconcile = """
        local w = redis.call('HGET', KEYS[1], 'w')
        if not w or tonumber(w) ~= tonumber(ARGV[1]) then return -1 end
        local s = tonumber(redis.call('HGET', KEYS[1], 's') or '0')
        if tonumber(ARGV[2]) > s then redis.call('HSET', KEYS[1], 's', ARGV[2]) end
        return s
        """;
}
