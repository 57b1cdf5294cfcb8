namespace Tollgate.Secrets.Azure;

/// <summary>Azure Key Vault, authenticated by client credentials (a service principal) or a managed identity.</summary>
public sealed record AzureKeyVaultConfig : VaultStoreConfig
{
    public const string TypeName = "azure_key_vault";

    public const string DefaultAuthorityHost = "https://login.microsoftonline.com";

    /// <summary>Instance Metadata Service, reachable from Azure VMs and AKS nodes.</summary>
    public const string DefaultImdsEndpoint = "http://169.254.169.254/metadata/identity/oauth2/token";

    public const string Resource = "https://vault.azure.net";

    public override string Type => TypeName;

    /// <summary>e.g. <c>https://my-vault.vault.azure.net</c>.</summary>
    public required string VaultUrl { get; init; }

    public string? TenantId { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string AuthorityHost { get; init; } = DefaultAuthorityHost;

    public bool ManagedIdentity { get; init; }

    /// <summary>A user-assigned identity's client id; null for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>IMDS, or App Service / Container Apps' <c>IDENTITY_ENDPOINT</c>.</summary>
    public string ManagedIdentityEndpoint { get; init; } = DefaultImdsEndpoint;

    /// <summary><c>IDENTITY_HEADER</c> when <see cref="ManagedIdentityEndpoint"/> is App Service's; null for IMDS.</summary>
    public string? IdentityHeader { get; init; }
}
