using System.Text.Json;
using Tollgate.Governance;
using Tollgate.Storage;

namespace Tollgate.Audit;

/// <summary>
/// Reads the state an admin call changes, before and after it, for the entry's before/after: stored providers, the
/// governance entities and users, by the route's pattern and id. Routes without a readable target (playground, route
/// explain, settings) record the masked request body as "after" instead.
/// </summary>
internal sealed class AuditSnapshots(IGatewayStore store, GovernanceRegistry governance)
{
    /// <param name="pattern">The route pattern, e.g. <c>/api/virtual-keys/{id}/rotate</c>.</param>
    /// <param name="id">The route's id value, or the id a create call's body names.</param>
    public string? Read(string pattern, string? id)
    {
        if (id is null)
        {
            return null;
        }

        var collection = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", var name, ..] ? name : null;
        var snapshot = governance.Current;
        return collection switch
        {
            "providers" => store.LoadProviders().FirstOrDefault(p => p.Name == id).Json,
            "virtual-keys" => Serialize(snapshot.VirtualKeys.GetValueOrDefault(id), GovernanceJsonContext.Default.VirtualKey),
            "teams" => Serialize(snapshot.Teams.GetValueOrDefault(id), GovernanceJsonContext.Default.Team),
            "customers" => Serialize(snapshot.Customers.GetValueOrDefault(id), GovernanceJsonContext.Default.Customer),
            "budgets" => Serialize(snapshot.Budgets.GetValueOrDefault(id), GovernanceJsonContext.Default.Budget),
            "rate-limits" => Serialize(snapshot.RateLimits.GetValueOrDefault(id), GovernanceJsonContext.Default.RateLimit),
            "model-limits" => Serialize(snapshot.Merged.ModelLimits.FirstOrDefault(m => m.Id == id), GovernanceJsonContext.Default.ModelLimit),
            "users" => store.GetUser(id) is { } user ? UserJson(user) : null,
            _ => null,
        };
    }

    /// <summary>Whether this route's target can be read back (otherwise the request body stands in for "after").</summary>
    public static bool Readable(string pattern) =>
        pattern.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", "providers" or "virtual-keys" or "teams" or "customers" or "budgets" or "rate-limits" or "model-limits" or "users", ..];

    private static string? Serialize<T>(T? value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class => value is null ? null : JsonSerializer.Serialize(value, type);

    private static string UserJson(StoredUser user)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            // Never the password hash: it is not a secret to mask but it is no one's business either.
            writer.WriteStartObject();
            writer.WriteString("username", user.Username);
            writer.WriteString("role", user.Role);
            writer.WriteString("updated_at", user.UpdatedAt);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
