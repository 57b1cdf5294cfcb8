namespace Tollgate.Secrets;

/// <summary>
/// One entry of the config's <c>vaults</c> section. Records, so "did this store's settings change?" is equality: an
/// unchanged store keeps its client, its login token and its cached secrets across a reload.
/// </summary>
public abstract record VaultStoreConfig
{
    public const int DefaultRefreshSeconds = 60;

    public const int DefaultTimeoutSeconds = 10;

    public required string Name { get; init; }

    /// <summary>The <c>type</c> the config names (<c>hashicorp</c>, <c>aws_secrets_manager</c>, ...).</summary>
    public abstract string Type { get; }

    /// <summary>How often referenced secrets are read again; a rotated secret is in force within this time.</summary>
    public int RefreshSeconds { get; init; } = DefaultRefreshSeconds;

    public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;

    /// <summary>Never the generated member list: it would print tokens and client secrets into any log that formats a config.</summary>
    public sealed override string ToString() => $"{Type} store '{Name}'";
}
