namespace Tollgate.Configuration;

/// <summary>One credential of a provider. <see cref="Value"/> is the resolved secret and must never be logged or returned.</summary>
public sealed record ProviderKeyConfig
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Value { get; init; }

    /// <summary>Model globs this key may serve (<c>*</c> matches any run of characters).</summary>
    public IReadOnlyList<string> Models { get; init; } = ["*"];

    public double Weight { get; init; } = 1.0;

    public AzureKeyConfig? Azure { get; init; }

    public DatabricksKeyConfig? Databricks { get; init; }

    public VertexKeyConfig? Vertex { get; init; }

    public BedrockKeyConfig? Bedrock { get; init; }
}

public sealed record AzureKeyConfig
{
    public required string Endpoint { get; init; }

    public string ApiVersion { get; init; } = DefaultApiVersion;

    /// <summary>Model name → deployment name. A model without an entry is used as the deployment name.</summary>
    public IReadOnlyDictionary<string, string> Deployments { get; init; } = new Dictionary<string, string>();

    public const string DefaultApiVersion = "2024-10-21";
}

/// <summary>A Databricks service principal for OAuth machine-to-machine auth.</summary>
public sealed record DatabricksKeyConfig
{
    public required string ClientId { get; init; }

    public required string ClientSecret { get; init; }
}
