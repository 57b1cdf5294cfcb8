using System.Runtime.InteropServices;

namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// One batch's rollup, built in memory before the batch's transaction so the store touches each minute and hourly group
/// once per batch rather than once per row.
/// <code>
/// batch ─► per minute: sums + latency histogram ──► request_log_minutes (unfiltered stats, sub-hour buckets)
///       ├► per hour × {model, provider, vk, team, customer}: sums ──► request_log_hours (top models, usage reports)
///       └► per hour × {all, vk, team, customer} × provider/model: sums + histogram ──► request_log_stats_hours
///             (stats in whole-hour buckets, unfiltered or by key, team, customer, provider, model)
/// </code>
/// Why these shapes: at 1M rows over 30 days (23 a minute) a per-minute row per key combination would be as many rows as
/// the log itself; one row a minute compresses 20-fold there. Hourly rows by owner and model are about a fifth of the
/// log at that rate (40 keys × 7 models an hour) and far less on a busy gateway, and turn a 30-day stats query for one
/// key from 25k scattered row reads into 5k rollup rows in key order (bench/results/2026-12-03-logs-rollup.md).
/// </summary>
internal sealed class RequestLogRollup
{
    public const long MinuteMs = 60_000;

    public const long HourMs = 3_600_000;

    /// <summary>By minute start (Unix ms), ascending, so concurrent writers lock rows in one order.</summary>
    public SortedDictionary<long, MinuteRollup> Minutes { get; } = [];

    public Dictionary<HourRollupKey, HourRollupSums> Hours { get; } = [];

    public Dictionary<StatsHourKey, MinuteRollup> StatsHours { get; } = [];

    /// <summary>The highest seq rolled up (backfill's checkpoint).</summary>
    public long LastSeq { get; set; }

    public bool IsEmpty => Minutes.Count == 0;

    public static RequestLogRollup Of(IReadOnlyList<RequestLogEntry> batch)
    {
        var rollup = new RequestLogRollup();
        foreach (var entry in batch)
        {
            rollup.Add(entry);
        }

        return rollup;
    }

    public void Add(RequestLogEntry entry)
    {
        var timeMs = entry.Time.ToUnixTimeMilliseconds();
        var minute = Floor(timeMs, MinuteMs);
        if (!Minutes.TryGetValue(minute, out var sums))
        {
            sums = new MinuteRollup();
            Minutes.Add(minute, sums);
        }

        sums.Add(entry);
        var hour = Floor(timeMs, HourMs);
        AddHour(new HourRollupKey(hour, RollupDimension.Model, entry.Provider ?? "", entry.Model ?? ""), entry);
        AddHour(new HourRollupKey(hour, RollupDimension.Provider, entry.Provider ?? "", ""), entry);
        AddHour(new HourRollupKey(hour, RollupDimension.VirtualKey, entry.VirtualKeyId ?? "", ""), entry);
        AddHour(new HourRollupKey(hour, RollupDimension.Team, entry.TeamId ?? "", ""), entry);
        AddHour(new HourRollupKey(hour, RollupDimension.Customer, entry.CustomerId ?? "", ""), entry);
        var provider = entry.Provider ?? "";
        var model = entry.Model ?? "";
        AddStatsHour(new StatsHourKey(StatsDimension.All, "", hour, provider, model), entry);
        // No row for a missing owner: a filter names one, and "All" already counts the request.
        if (entry.VirtualKeyId is { } vk)
        {
            AddStatsHour(new StatsHourKey(StatsDimension.VirtualKey, vk, hour, provider, model), entry);
        }

        if (entry.TeamId is { } team)
        {
            AddStatsHour(new StatsHourKey(StatsDimension.Team, team, hour, provider, model), entry);
        }

        if (entry.CustomerId is { } customer)
        {
            AddStatsHour(new StatsHourKey(StatsDimension.Customer, customer, hour, provider, model), entry);
        }
    }

    /// <summary>Stats hour keys in the primary key's order (ordinal), so concurrent writers lock in one order.</summary>
    public List<StatsHourKey> SortedStatsHours()
    {
        var list = StatsHours.Keys.ToList();
        list.Sort(static (a, b) =>
        {
            var c = a.Dimension.CompareTo(b.Dimension);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.K1, b.K1);
            }

            if (c == 0)
            {
                c = a.HourMs.CompareTo(b.HourMs);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(a.Provider, b.Provider);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Model, b.Model);
        });
        return list;
    }

    /// <summary>Hourly keys in one total order (dimension, hour, k1, k2; ordinal: the primary key's order), so concurrent writers lock in one order.</summary>
    public List<KeyValuePair<HourRollupKey, HourRollupSums>> SortedHours()
    {
        var list = Hours.ToList();
        list.Sort(static (a, b) =>
        {
            var c = a.Key.Dimension.CompareTo(b.Key.Dimension);
            if (c == 0)
            {
                c = a.Key.HourMs.CompareTo(b.Key.HourMs);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(a.Key.K1, b.Key.K1);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Key.K2, b.Key.K2);
        });
        return list;
    }

    /// <summary>The start of the period holding <paramref name="timeMs"/> (also for times before 1970).</summary>
    public static long Floor(long timeMs, long periodMs) => Math.DivRem(timeMs, periodMs, out var r) * periodMs - (r < 0 ? periodMs : 0);

    public static long Ceiling(long timeMs, long periodMs)
    {
        var floor = Floor(timeMs, periodMs);
        return floor == timeMs ? floor : floor + periodMs;
    }

    private void AddHour(HourRollupKey key, RequestLogEntry entry) =>
        CollectionsMarshal.GetValueRefOrAddDefault(Hours, key, out _).Add(entry);

    private void AddStatsHour(StatsHourKey key, RequestLogEntry entry)
    {
        ref var sums = ref CollectionsMarshal.GetValueRefOrAddDefault(StatsHours, key, out _);
        sums ??= new MinuteRollup();
        sums.Add(entry);
    }
}
