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

    /// <summary>Conditional routes (<c>routing.rules</c>), evaluated in order before resolving the model.</summary>
    public IReadOnlyList<RoutingRule> RoutingRules { get; init; } = [];

    /// <summary>Default fallbacks per requested model (<c>routing.fallbacks</c>), used when the request names none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultFallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>First 12 hex digits of the config file's SHA-256 (<c>none</c> without a file): tells instances' configs apart.</summary>
    public string FileHash { get; init; } = "none";

    /// <summary>Admin single sign-on (<c>sso</c>): OIDC provider, role mapping, whether local passwords stay.</summary>
    public SsoConfig Sso { get; init; } = SsoConfig.Default;

    /// <summary>
    /// The feature sections (governance, cluster, alerts, exports, guardrails, cache, vaults), read by their features' section
    /// readers; each feature reads its own with an extension property (<c>config.Governance</c> in Tollgate.Governance).
    /// </summary>
    public ConfigSections Sections { get; init; } = ConfigSections.Empty;

    /// <summary>Bifrost fields the file used that Tollgate does not implement yet, by JSON path; logged at start-up.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
