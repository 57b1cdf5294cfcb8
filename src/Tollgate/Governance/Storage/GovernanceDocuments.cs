using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tollgate.Governance.Storage;

/// <summary>Turns stored (kind, JSON) rows back into entities; shared by every backend so they read documents alike.</summary>
internal static class GovernanceDocuments
{
    /// <param name="rows">Rows in the order each kind's list should keep.</param>
    public static GovernanceConfig ToConfig(IEnumerable<(string Kind, string Json)> rows)
    {
        var byKind = rows.ToLookup(r => r.Kind, r => r.Json, StringComparer.Ordinal);
        return new GovernanceConfig
        {
            Customers = Read(byKind[EntityKind.Customer], GovernanceJsonContext.Default.Customer),
            Teams = Read(byKind[EntityKind.Team], GovernanceJsonContext.Default.Team),
            Budgets = Read(byKind[EntityKind.Budget], GovernanceJsonContext.Default.Budget),
            RateLimits = Read(byKind[EntityKind.RateLimit], GovernanceJsonContext.Default.RateLimit),
            VirtualKeys = Read(byKind[EntityKind.VirtualKey], GovernanceJsonContext.Default.VirtualKey),
            ModelLimits = Read(byKind[EntityKind.ModelLimit], GovernanceJsonContext.Default.ModelLimit),
        };
    }

    private static List<T> Read<T>(IEnumerable<string> documents, JsonTypeInfo<T> type) =>
        [.. documents.Select(json => JsonSerializer.Deserialize(json, type)!)];
}
