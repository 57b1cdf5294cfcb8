using System.Collections.Frozen;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;

namespace Tollgate.Governance;

/// <summary>Every governance entity from the config file and the store, indexed for the request path. Immutable.</summary>
internal sealed class GovernanceSnapshot
{
    public static readonly GovernanceSnapshot Empty = new(GovernanceConfig.Empty, GovernanceConfig.Empty, DateTimeOffset.MinValue);

    public GovernanceSnapshot(GovernanceConfig file, GovernanceConfig store, DateTimeOffset now)
    {
        File = file;
        Store = store;
        Merged = Merge(file, store);
        VirtualKeys = Merged.VirtualKeys.ToFrozenDictionary(k => k.Id, StringComparer.Ordinal);
        Teams = Merged.Teams.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
        Customers = Merged.Customers.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        Budgets = Merged.Budgets.ToFrozenDictionary(b => b.Id, StringComparer.Ordinal);
        RateLimits = Merged.RateLimits.ToFrozenDictionary(r => r.Id, StringComparer.Ordinal);
        ModelLimitsByProvider = Merged.ModelLimits.GroupBy(m => m.Provider, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        RequestLimitDefinitions = Merged.RateLimits
            .Where(r => r.RequestMaxLimit is not null && DurationText.TryParse(r.RequestResetDuration, out _))
            .ToFrozenDictionary(r => r.Id, r => new RateLimitDefinition(r.RequestMaxLimit!.Value, Window(r.RequestResetDuration)), StringComparer.Ordinal);
        TokenLimitDefinitions = Merged.RateLimits
            .Where(r => r.TokenMaxLimit is not null && DurationText.TryParse(r.TokenResetDuration, out _))
            .ToFrozenDictionary(r => r.Id, r => new RateLimitDefinition(r.TokenMaxLimit!.Value, Window(r.TokenResetDuration)), StringComparer.Ordinal);
        BudgetDefinitions = Merged.Budgets.ToFrozenDictionary(b => b.Id, DefinitionOf, StringComparer.Ordinal);

        var byHash = new Dictionary<string, VirtualKey>(StringComparer.Ordinal);
        foreach (var key in Merged.VirtualKeys)
        {
            byHash[key.KeyHash] = key;
            if (key.PreviousKeyHash is not null && key.PreviousKeyValidUntil > now)
            {
                byHash.TryAdd(key.PreviousKeyHash, key);
            }
        }

        KeysByHash = byHash.ToFrozenDictionary(StringComparer.Ordinal);
        KeysByHashSpan = KeysByHash.GetAlternateLookup<ReadOnlySpan<char>>();
        VirtualKeyScopes = Merged.VirtualKeys.ToFrozenDictionary(k => k.Id, k => new RateLimitScope("vk", k.Id), StringComparer.Ordinal);
        TeamScopes = Merged.Teams.ToFrozenDictionary(t => t.Id, t => new RateLimitScope("team", t.Id), StringComparer.Ordinal);
        CustomerScopes = Merged.Customers.ToFrozenDictionary(c => c.Id, c => new RateLimitScope("customer", c.Id), StringComparer.Ordinal);
    }

    public GovernanceConfig File { get; }

    public GovernanceConfig Store { get; }

    public GovernanceConfig Merged { get; }

    public FrozenDictionary<string, VirtualKey> VirtualKeys { get; }

    /// <summary>Current key hashes, plus the previous hash of keys rotated within their grace period.</summary>
    public FrozenDictionary<string, VirtualKey> KeysByHash { get; }

    /// <summary><see cref="KeysByHash"/> looked up by a hex hash on the stack, so authentication allocates no string.</summary>
    public FrozenDictionary<string, VirtualKey>.AlternateLookup<ReadOnlySpan<char>> KeysByHashSpan { get; }

    /// <summary>Rate-limit counter ids of each virtual key, team and customer, built once per snapshot rather than per request.</summary>
    public FrozenDictionary<string, RateLimitScope> VirtualKeyScopes { get; }

    /// <inheritdoc cref="VirtualKeyScopes"/>
    public FrozenDictionary<string, RateLimitScope> TeamScopes { get; }

    /// <inheritdoc cref="VirtualKeyScopes"/>
    public FrozenDictionary<string, RateLimitScope> CustomerScopes { get; }

    public FrozenDictionary<string, Team> Teams { get; }

    public FrozenDictionary<string, Customer> Customers { get; }

    public FrozenDictionary<string, Budget> Budgets { get; }

    public FrozenDictionary<string, RateLimit> RateLimits { get; }

    /// <summary>Model limits grouped by provider, so a call only scans its own provider's few limits.</summary>
    public FrozenDictionary<string, ModelLimit[]> ModelLimitsByProvider { get; }

    /// <summary>Counter definitions, built once per snapshot rather than per request.</summary>
    public FrozenDictionary<string, BudgetDefinition> BudgetDefinitions { get; }

    /// <summary>Request-count limits by rate-limit id (only those that set one).</summary>
    public FrozenDictionary<string, RateLimitDefinition> RequestLimitDefinitions { get; }

    /// <summary>Token limits by rate-limit id (only those that set one).</summary>
    public FrozenDictionary<string, RateLimitDefinition> TokenLimitDefinitions { get; }

    private static TimeSpan Window(string? text) => DurationText.TryParse(text, out var window) ? window : TimeSpan.Zero;

    public static BudgetDefinition DefinitionOf(Budget budget) => new(
        CostCalculator.ToNanoUsd(budget.MaxLimitUsd, roundUp: false),
        BudgetPeriod.Parse(budget.ResetDuration, budget.CalendarAligned),
        budget.CreatedAt);

    private static GovernanceConfig Merge(GovernanceConfig file, GovernanceConfig store) => new()
    {
        Customers = [.. file.Customers.Select(c => c with { FromConfigFile = true }), .. store.Customers],
        Teams = [.. file.Teams.Select(t => t with { FromConfigFile = true }), .. store.Teams],
        Budgets = [.. file.Budgets.Select(b => b with { FromConfigFile = true }), .. store.Budgets],
        RateLimits = [.. file.RateLimits.Select(r => r with { FromConfigFile = true }), .. store.RateLimits],
        VirtualKeys = [.. file.VirtualKeys.Select(v => v with { FromConfigFile = true }), .. store.VirtualKeys],
        ModelLimits = [.. file.ModelLimits.Select(m => m with { FromConfigFile = true }), .. store.ModelLimits],
    };
}

/// <summary>The counter ids of one entity's request and token rate limits: <c>{kind}:{id}:req</c> and <c>{kind}:{id}:tok</c>.</summary>
internal sealed class RateLimitScope(string kind, string id)
{
    public string Kind { get; } = kind;

    public string Requests { get; } = $"{kind}:{id}:req";

    public string Tokens { get; } = $"{kind}:{id}:tok";
}
