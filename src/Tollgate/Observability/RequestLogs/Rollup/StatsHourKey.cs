namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>One <c>request_log_stats_hours</c> row's key; a null value is stored as the empty string (key columns cannot be NULL).</summary>
internal readonly record struct StatsHourKey(StatsDimension Dimension, string K1, long HourMs, string Provider, string Model);
