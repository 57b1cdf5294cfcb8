namespace Tollgate.Configuration;

/// <summary>Process-level settings from the command line or environment (DESIGN.md, "Running").</summary>
public sealed class GatewayOptions
{
    /// <summary>Path of the JSON config file (<c>--config</c> / <c>TOLLGATE_CONFIG</c>); optional.</summary>
    public string? ConfigPath { get; set; }

    /// <summary>Data directory for the embedded store (<c>--data</c> / <c>TOLLGATE_DATA</c>).</summary>
    public string DataDirectory { get; set; } = "data";

    public string? AdminToken { get; set; }

    /// <summary>
    /// Password of the first admin user (<c>TOLLGATE_ADMIN_PASSWORD</c>), used only when the store has no user yet;
    /// without it one is generated and printed once. Never log it.
    /// </summary>
    public string? AdminPassword { get; set; }

    public string? EncryptionKey { get; set; }

    /// <summary>
    /// Npgsql connection string (<c>TOLLGATE_POSTGRES</c>): store everything in PostgreSQL, shared by every instance of a
    /// cluster, instead of SQLite under the data directory. It carries a password: never log it.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>How long discovered model lists are cached.</summary>
    public TimeSpan ModelDiscoveryTtl { get; set; } = TimeSpan.FromMinutes(5);
}
