using Tollgate.Configuration;
using Tollgate.Observability;
using Tollgate.Providers;

namespace Tollgate.Api;

/// <summary>A provider as the admin API shows it: secrets masked, origin stated.</summary>
internal sealed record ProviderView(
    string Name,
    string Type,
    string BaseUrl,
    string Source,
    bool ReadOnly,
    IReadOnlyList<ProviderKeyView> Keys,
    NetworkView Network)
{
    public static ProviderView From(ProviderConfig config) => new(
        config.Name,
        ProviderTraits.For(config.Kind).TypeName,
        config.BaseUrl,
        config.FromConfigFile ? "config_file" : "store",
        config.FromConfigFile,
        config.Keys.Select(ProviderKeyView.From).ToList(),
        new NetworkView(
            config.Network.RequestTimeout.TotalSeconds,
            config.Network.StreamIdleTimeout.TotalSeconds,
            config.Network.MaxRetries,
            config.Network.RetryBackoffInitial.TotalMilliseconds,
            config.Network.RetryBackoffMax.TotalMilliseconds));
}

internal sealed record ProviderKeyView(string Id, string Name, string Auth, string? Value, string? ClientId, IReadOnlyList<string> Models, double Weight, string? AzureEndpoint)
{
    public static ProviderKeyView From(ProviderKeyConfig key) => new(
        key.Id,
        key.Name,
        key.Databricks is not null ? "service_principal" : key.Value is null ? "none" : "api_key",
        key.Value is null ? null : SecretMask.Mask(key.Value),
        key.Databricks?.ClientId,
        key.Models,
        key.Weight,
        key.Azure?.Endpoint);
}

internal sealed record NetworkView(
    double DefaultRequestTimeoutInSeconds,
    double StreamIdleTimeoutInSeconds,
    int MaxRetries,
    double RetryBackoffInitial,
    double RetryBackoffMax);

internal sealed record ProviderList(IReadOnlyList<ProviderView> Data);

internal sealed record ModelEntryView(string Id, string Provider, string Model, string Source, string? Task);
