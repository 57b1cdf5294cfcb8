namespace Tollgate.Governance.Model;

public sealed record Team
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? CustomerId { get; init; }

    public string? BudgetId { get; init; }

    public string? RateLimitId { get; init; }

    public bool FromConfigFile { get; init; }
}
