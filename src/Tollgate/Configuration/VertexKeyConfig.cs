namespace Tollgate.Configuration;

/// <summary>
/// A Google Cloud project for Vertex AI (Bifrost's <c>vertex_key_config</c>). The caller is authenticated with the
/// service account in <see cref="AuthCredentials"/> (its JSON key), or, when that is empty, with the file named by
/// <c>GOOGLE_APPLICATION_CREDENTIALS</c> (Application Default Credentials).
/// </summary>
public sealed record VertexKeyConfig
{
    public required string ProjectId { get; init; }

    /// <summary>A Vertex location such as <c>us-central1</c>, or <c>global</c>.</summary>
    public required string Region { get; init; }

    /// <summary>The service account's JSON key (resolved secret); null to use Application Default Credentials.</summary>
    public string? AuthCredentials { get; init; }

    /// <summary>Model name → Vertex model or endpoint id. A model without an entry is used as it is.</summary>
    public IReadOnlyDictionary<string, string> Deployments { get; init; } = new Dictionary<string, string>();
}
