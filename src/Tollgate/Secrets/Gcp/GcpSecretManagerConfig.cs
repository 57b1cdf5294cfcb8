namespace Tollgate.Secrets.Gcp;

/// <summary>Google Secret Manager, authenticated with a service-account key exchanged for an OAuth token (JWT bearer grant).</summary>
public sealed record GcpSecretManagerConfig : VaultStoreConfig
{
    public const string TypeName = "gcp_secret_manager";

    public const string DefaultEndpoint = "https://secretmanager.googleapis.com";

    public override string Type => TypeName;

    public required string Project { get; init; }

    public string Endpoint { get; init; } = DefaultEndpoint;

    public required string ClientEmail { get; init; }

    public required string PrivateKeyPem { get; init; }

    public string? PrivateKeyId { get; init; }

    /// <summary>From the key file's <c>token_uri</c>.</summary>
    public required string TokenUri { get; init; }
}
