namespace Tollgate.Configuration;

/// <summary>A configured upstream provider: where it lives, how to authenticate, and which keys it has.</summary>
public sealed record ProviderConfig
{
    public required string Name { get; init; }

    public required ProviderKind Kind { get; init; }

    /// <summary>The base URL the provider's own SDK would use, without a trailing slash.</summary>
    public required string BaseUrl { get; init; }

    public IReadOnlyList<ProviderKeyConfig> Keys { get; init; } = [];

    public NetworkConfig Network { get; init; } = new();

    /// <summary>
    /// True for <c>custom_provider_config</c> providers: servers that speak a type's wire format (vLLM speaking
    /// OpenAI's) without offering everything the real service does, such as the Responses API.
    /// </summary>
    public bool Custom { get; init; }

    /// <summary>True when the config file declared it (read-only through the admin API).</summary>
    public bool FromConfigFile { get; init; }
}
