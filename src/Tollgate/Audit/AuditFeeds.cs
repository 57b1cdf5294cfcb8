using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Secrets;

namespace Tollgate.Audit;

/// <summary>
/// Changes nobody made through the API: the config file reloaded (actor <c>config_file</c>, its path) and vault secrets
/// rotated (actor <c>vault</c>, its name; the paths, never the values).
/// </summary>
internal sealed class AuditFeeds(AuditLog audit, GatewayConfigMonitor monitor, VaultRefresher vaults) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        monitor.FileReloaded += OnFileReloaded;
        vaults.Rotated += OnRotated;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        monitor.FileReloaded -= OnFileReloaded;
        vaults.Rotated -= OnRotated;
        return Task.CompletedTask;
    }

    private void OnFileReloaded(string path, string? error) => audit.Record(new AuditEntry
    {
        ActorKind = "config_file",
        Actor = path,
        Action = "config.reload",
        Target = path,
        Status = error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity,
        After = error is null ? null : JsonSerializer.Serialize(error, AuditJsonContext.Default.String),
    });

    private void OnRotated(string store, IReadOnlyList<string> paths) => audit.Record(new AuditEntry
    {
        ActorKind = "vault",
        Actor = store,
        Action = "vault.rotate",
        Target = $"vault.{store}",
        Status = StatusCodes.Status200OK,
        After = JsonSerializer.Serialize(string.Join(", ", paths), AuditJsonContext.Default.String),
    });
}
