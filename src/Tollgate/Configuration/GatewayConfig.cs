using System.Collections.Frozen;

namespace Tollgate.Configuration;

/// <summary>One validated, immutable configuration snapshot. Swapped whole on reload.</summary>
public sealed record GatewayConfig
{
    public static readonly GatewayConfig Empty = new();

    public ClientConfig Client { get; init; } = new();

    /// <summary>Providers by name (ordinal). Names are what clients put before the slash in <c>provider/model</c>.</summary>
    public FrozenDictionary<string, ProviderConfig> Providers { get; init; } = FrozenDictionary<string, ProviderConfig>.Empty;

    /// <summary>Price overrides in USD per million tokens, keyed by <c>provider/model</c> or a bare model name.</summary>
    public FrozenDictionary<string, PriceOverride> Pricing { get; init; } = FrozenDictionary<string, PriceOverride>.Empty;

    /// <summary>Customers, teams, budgets, rate limits and virtual keys the file declares (read-only elsewhere).</summary>
    public Governance.GovernanceConfig Governance { get; init; } = Tollgate.Governance.GovernanceConfig.Empty;

    /// <summary>Conditional routes (<c>routing.rules</c>), evaluated in order before resolving the model.</summary>
    public IReadOnlyList<RoutingRule> RoutingRules { get; init; } = [];

    /// <summary>Default fallbacks per requested model (<c>routing.fallbacks</c>), used when the request names none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultFallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>How instances share counters and state in cluster mode (<c>cluster</c>).</summary>
    public Cluster.ClusterConfig Cluster { get; init; } = Tollgate.Cluster.ClusterConfig.Default;

    /// <summary>First 12 hex digits of the config file's SHA-256 (<c>none</c> without a file): tells instances' configs apart.</summary>
    public string FileHash { get; init; } = "none";

    /// <summary>The stores of the <c>vaults</c> section, with their clients and cached secrets.</summary>
    public Secrets.VaultSet Vaults { get; init; } = Secrets.VaultSet.Empty;

    /// <summary>Vault secrets this snapshot's values came from, which the refresher reads again (docs/secrets.md).</summary>
    public IReadOnlyList<Secrets.VaultReference> VaultReferences { get; init; } = [];

    /// <summary>Alert channels and rules (<c>alerts</c>).</summary>
    public Operations.Alerts.AlertsConfig Alerts { get; init; } = Operations.Alerts.AlertsConfig.Empty;

    /// <summary>Scheduled request log exports (<c>exports</c>).</summary>
    public Operations.Exports.ExportsConfig Exports { get; init; } = Operations.Exports.ExportsConfig.Empty;

    /// <summary>Admin single sign-on (<c>sso</c>): OIDC provider, role mapping, whether local passwords stay.</summary>
    public SsoConfig Sso { get; init; } = SsoConfig.Default;

    /// <summary>Gateway-wide guardrails (<c>guardrails</c>), compiled.</summary>
    internal Guardrails.GuardrailsConfig Guardrails { get; init; } = Tollgate.Guardrails.GuardrailsConfig.Empty;

    /// <summary>Bifrost fields the file used that Tollgate does not implement yet, by JSON path; logged at start-up.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
