using System.Collections.Frozen;
using Tollgate.Configuration;

namespace Tollgate.Providers;

/// <summary>A provider ready to serve: its config, traits, wire client, pooled HTTP handler and key credentials.</summary>
internal sealed class ProviderRuntime
{
    public required ProviderConfig Config { get; init; }

    public required ProviderTraits Traits { get; init; }

    public required ProviderClient Client { get; init; }

    public required HttpMessageInvoker Http { get; init; }

    /// <summary>Credentials by key id. A keyless provider has one entry under <see cref="KeylessId"/>.</summary>
    public required FrozenDictionary<string, ICredential> Credentials { get; init; }

    /// <summary>Health per key, aligned with <see cref="ProviderConfig.Keys"/> (one entry for a keyless provider).</summary>
    public required KeyHealth[] Health { get; init; }

    public const string KeylessId = "";

    /// <summary>Upstream URIs already built for this provider, so the hot path does not parse one per request.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, Uri> UriCache { get; } = new(StringComparer.Ordinal);

    public string Name => Config.Name;

    public ICredential CredentialFor(ProviderKeyConfig? key) =>
        Credentials.TryGetValue(key?.Id ?? KeylessId, out var credential) ? credential : StaticCredential.None;
}
