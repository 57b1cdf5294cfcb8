using Tollgate.Governance.Model;

namespace Tollgate.Governance;

/// <summary>The governance entities one source (config file or store) declares.</summary>
public sealed record GovernanceConfig
{
    public static readonly GovernanceConfig Empty = new();

    public IReadOnlyList<Customer> Customers { get; init; } = [];

    public IReadOnlyList<Team> Teams { get; init; } = [];

    public IReadOnlyList<Budget> Budgets { get; init; } = [];

    public IReadOnlyList<RateLimit> RateLimits { get; init; } = [];

    public IReadOnlyList<VirtualKey> VirtualKeys { get; init; } = [];

    public IReadOnlyList<ModelLimit> ModelLimits { get; init; } = [];

    public bool IsEmpty => Customers.Count == 0 && Teams.Count == 0 && Budgets.Count == 0 && RateLimits.Count == 0 && VirtualKeys.Count == 0 && ModelLimits.Count == 0;
}
