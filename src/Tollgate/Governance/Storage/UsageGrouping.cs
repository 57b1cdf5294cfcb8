namespace Tollgate.Governance.Storage;

/// <summary>What a usage report groups by, as SQL; the same text works in SQLite and PostgreSQL.</summary>
internal static class UsageGrouping
{
    /// <summary>The column or expression for a <c>group_by</c> value the admin API has already validated.</summary>
    public static string Column(string groupBy) => groupBy switch
    {
        "virtual_key" => "virtual_key_id",
        "team" => "team_id",
        "customer" => "customer_id",
        "provider" => "provider",
        _ => "provider || '/' || model",
    };
}
