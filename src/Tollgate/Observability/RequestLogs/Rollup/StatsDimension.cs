namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// Whose requests a <c>request_log_stats_hours</c> row sums (k1 names the owner; <see cref="All"/> has none). Every row
/// is also split by provider and model, so one dimension answers a provider or model filter and the top models too.
/// Stored as its number, so never renumber.
/// </summary>
internal enum StatsDimension : byte
{
    All = 0,

    VirtualKey = 1,

    Team = 2,

    Customer = 3,
}
