namespace Tollgate.Governance.Model;

/// <summary>
/// Databricks-style limits on a provider's models (Mosaic AI Gateway's endpoint limits): queries per second and per
/// hour, input and output tokens per minute, embedding inputs per second. Each model matching <see cref="Model"/>
/// counts separately (one endpoint, one set of counters); with <see cref="Key"/> the limit applies to that provider
/// key only, and a key at its limit is skipped for another key of the provider.
/// </summary>
public sealed record ModelLimit
{
    public required string Id { get; init; }

    public required string Provider { get; init; }

    /// <summary>Model glob; <c>*</c> for every model of the provider.</summary>
    public string Model { get; init; } = "*";

    /// <summary>A provider key's name, to limit one key; null for the model whatever the key.</summary>
    public string? Key { get; init; }

    public long? QueriesPerSecond { get; init; }

    public long? QueriesPerHour { get; init; }

    public long? InputTokensPerMinute { get; init; }

    public long? OutputTokensPerMinute { get; init; }

    public long? EmbeddingInputsPerSecond { get; init; }

    public bool FromConfigFile { get; init; }
}
