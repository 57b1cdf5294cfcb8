namespace Tollgate.Governance.Model;

public sealed record Team
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? CustomerId { get; init; }

    public string? BudgetId { get; init; }

    public string? RateLimitId { get; init; }

    /// <summary><c>guardrails</c> as written (Databricks shape plus rules), validated on load; see docs/guardrails.md.</summary>
    public System.Text.Json.JsonElement? Guardrails { get; init; }

    public bool FromConfigFile { get; init; }
}
