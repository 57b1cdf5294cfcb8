namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// The <c>request_log_stats_hours</c> rows a stats filter reads: at most one owner (virtual key, team or customer), and
/// optionally a provider and a model. Any other filter (status, key name, latency, ...) is not in the rollup.
/// </summary>
internal sealed record StatsHourScope(StatsDimension Dimension, string K1, string? Provider, string? Model)
{
    /// <summary>The scope answering <paramref name="filter"/> (its time range aside), or null when the rows must.</summary>
    public static StatsHourScope? Of(RequestLogFilter filter)
    {
        var owners = (filter.VirtualKeyId is null ? 0 : 1) + (filter.TeamId is null ? 0 : 1) + (filter.CustomerId is null ? 0 : 1);
        var rest = filter with { From = null, To = null, VirtualKeyId = null, TeamId = null, CustomerId = null, Provider = null, Model = null };
        if (owners > 1 || rest != RequestLogFilter.None)
        {
            return null;
        }

        return filter switch
        {
            { VirtualKeyId: { } vk } => new StatsHourScope(StatsDimension.VirtualKey, vk, filter.Provider, filter.Model),
            { TeamId: { } team } => new StatsHourScope(StatsDimension.Team, team, filter.Provider, filter.Model),
            { CustomerId: { } customer } => new StatsHourScope(StatsDimension.Customer, customer, filter.Provider, filter.Model),
            _ => new StatsHourScope(StatsDimension.All, "", filter.Provider, filter.Model),
        };
    }
}
