namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>One hourly rollup row's key; a null value is stored as the empty string (key columns cannot be NULL).</summary>
internal readonly record struct HourRollupKey(long HourMs, RollupDimension Dimension, string K1, string K2);
