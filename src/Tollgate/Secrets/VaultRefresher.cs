using Prometheus;
using Tollgate.Configuration;
using Tollgate.Observability.Metrics;

namespace Tollgate.Secrets;

/// <summary>
/// Reads referenced vault secrets again every <c>refresh_seconds</c> of their store. When one rotated, the config is
/// loaded again from the same file text, so the new value flows through the usual snapshot swap: provider runtimes
/// whose HTTP inputs did not change keep their connection pools (ProviderRegistry). A failed read keeps the last good
/// value and shows as <c>failing</c> in <c>/ready</c>, <c>/api/vaults</c>, the metrics and the UI.
/// <code>
/// every second: for each store due → fetch its referenced paths → changed? → GatewayConfigMonitor.SecretsChanged()
/// </code>
/// </summary>
internal sealed class VaultRefresher : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly GatewayConfigMonitor _monitor;
    private readonly VaultRegistry _vaults;
    private readonly TimeProvider _time;
    private readonly ILogger<VaultRefresher> _logger;
    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);

    public VaultRefresher(GatewayConfigMonitor monitor, VaultRegistry vaults, GatewayMetrics metrics, TimeProvider time, ILogger<VaultRefresher> logger)
    {
        _monitor = monitor;
        _vaults = vaults;
        _time = time;
        _logger = logger;
        monitor.Changed += config => vaults.Commit(config.Vaults, config.VaultReferences);
        vaults.Commit(monitor.Current.Vaults, monitor.Current.VaultReferences);
        RegisterMetrics(metrics.Registry);
    }

    /// <summary>Raised after secrets of a store rotated (store, paths); the audit log listens.</summary>
    public event Action<string, IReadOnlyList<string>>? Rotated;

    /// <summary>Refreshes every store whose time has come; tests call it after moving a fake clock.</summary>
    public async Task RefreshDueAsync(CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var references = _vaults.CurrentReferences;
            var rotated = false;
            foreach (var (name, store) in _vaults.Current.Stores)
            {
                if (now < store.NextRefresh)
                {
                    continue;
                }

                var paths = references.Where(r => r.Store == name).Select(r => r.Path).Distinct(StringComparer.Ordinal).ToArray();
                var outcome = await store.RefreshAsync(paths, cancellationToken);
                foreach (var (path, error) in outcome.Failed)
                {
                    SecretsLog.RefreshFailed(_logger, name, path, error);
                }

                if (outcome.Failed.Count > 0)
                {
                    _failing.Add(name);
                }
                else if (_failing.Remove(name))
                {
                    SecretsLog.Recovered(_logger, name);
                }

                if (outcome.Changed.Count > 0)
                {
                    SecretsLog.Rotated(_logger, name, outcome.Changed.Count, string.Join(", ", outcome.Changed));
                    Rotated?.Invoke(name, outcome.Changed);
                    rotated = true;
                }
            }

            if (rotated)
            {
                _monitor.SecretsChanged();
            }
        }
        finally
        {
            _round.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Tick, _time, stoppingToken);
                await RefreshDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SecretsLog.RoundFailed(_logger, ex);
            }
        }
    }

    private void RegisterMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        var up = factory.CreateGauge("tollgate_vault_up", "1 when the last read of every referenced secret of the vault succeeded, 0 while it serves last good values.", ["vault", "type"]);
        var secrets = factory.CreateGauge("tollgate_vault_secrets", "Referenced secrets cached from the vault.", ["vault"]);
        var failing = factory.CreateGauge("tollgate_vault_secrets_failing", "Referenced secrets whose last refresh failed (served from the last good value).", ["vault"]);
        var lastSuccess = factory.CreateGauge("tollgate_vault_last_success_timestamp_seconds", "Unix time of the vault's last successful read.", ["vault"]);
        var failures = factory.CreateCounter("tollgate_vault_refresh_failures_total", "Refresh rounds of the vault with at least one failed read, since start.", ["vault"]);
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (name, store) in _vaults.Current.Stores)
            {
                var status = store.Status();
                up.WithLabels(name, status.Type).Set(status.Status == VaultStoreStatus.Ok ? 1 : 0);
                secrets.WithLabels(name).Set(status.Secrets);
                failing.WithLabels(name).Set(status.FailingSecrets);
                failures.WithLabels(name).IncTo(store.Failures);
                if (status.LastSuccess is { } time)
                {
                    lastSuccess.WithLabels(name).Set(time.ToUnixTimeSeconds());
                }
            }
        });
    }

    public override void Dispose()
    {
        _round.Dispose();
        base.Dispose();
    }
}
