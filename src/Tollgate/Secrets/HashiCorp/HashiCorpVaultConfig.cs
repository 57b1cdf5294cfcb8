namespace Tollgate.Secrets.HashiCorp;

/// <summary>HashiCorp Vault, KV secrets engine version 2. Exactly one of token, AppRole or Kubernetes auth.</summary>
public sealed record HashiCorpVaultConfig : VaultStoreConfig
{
    public const string TypeName = "hashicorp";

    public const string DefaultKubernetesTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    public override string Type => TypeName;

    /// <summary>The server, e.g. <c>https://vault:8200</c> (no <c>/v1</c>).</summary>
    public required string Address { get; init; }

    /// <summary>Vault Enterprise / HCP namespace, sent as <c>X-Vault-Namespace</c>.</summary>
    public string? Namespace { get; init; }

    /// <summary>Mount path of the KV v2 engine.</summary>
    public string Mount { get; init; } = "secret";

    public string? Token { get; init; }

    public string? AppRoleId { get; init; }

    public string? AppRoleSecretId { get; init; }

    public string AppRoleMount { get; init; } = "approle";

    public string? KubernetesRole { get; init; }

    /// <summary>The service-account token file, read at every login because kubelet rotates it.</summary>
    public string KubernetesTokenPath { get; init; } = DefaultKubernetesTokenPath;

    public string KubernetesMount { get; init; } = "kubernetes";
}
