using System.Text.Json;

namespace Tollgate.Audit;

/// <summary>An entry as <c>GET /api/audit</c> shows it: before/after as JSON (already masked when recorded).</summary>
internal sealed record AuditEntryView(long Id, DateTimeOffset Time, string ActorKind, string Actor, string Source, string Action, string Target,
    int Status, string Outcome, JsonElement? Before, JsonElement? After, string Hash)
{
    public static AuditEntryView From(AuditEntry entry) => new(entry.Id, entry.Time, entry.ActorKind, entry.Actor, entry.Source, entry.Action,
        entry.Target, entry.Status, entry.Outcome, Json(entry.Before), Json(entry.After), entry.Hash);

    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // An edited row may hold anything; show it as text rather than fail the page.
            return JsonSerializer.SerializeToElement(text, AuditJsonContext.Default.String);
        }
    }
}
