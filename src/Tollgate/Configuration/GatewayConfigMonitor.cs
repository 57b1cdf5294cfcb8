using System.Collections.Frozen;
using System.Text.Json;
namespace Tollgate.Configuration;

/// <summary>
/// Owns the live <see cref="GatewayConfig"/>: the config file's snapshot merged with providers stored through the admin
/// API. A bad first load stops start-up; a bad reload is logged and the last good snapshot stays (YARP's approach).
/// </summary>
public sealed class GatewayConfigMonitor : IDisposable
{
    private static readonly TimeSpan ReloadDebounce = TimeSpan.FromMilliseconds(300);

    private readonly GatewayOptions _options;
    private readonly IStoredProviders _store;
    private readonly ConfigLoader _loader;
    private readonly ILogger<GatewayConfigMonitor> _logger;
    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private GatewayConfig _fileConfig = GatewayConfig.Empty;
    private string? _fileText;
    private volatile GatewayConfig _current = GatewayConfig.Empty;
    private int _reloadVersion;

    public GatewayConfigMonitor(GatewayOptions options, IStoredProviders store, ConfigLoader loader, ILogger<GatewayConfigMonitor> logger)
    {
        _options = options;
        _store = store;
        _loader = loader;
        _logger = logger;
    }

    public GatewayConfig Current => _current;

    /// <summary>Raised after a new snapshot is published.</summary>
    public event Action<GatewayConfig>? Changed;

    /// <summary>Raised after the file was reloaded (path, null) or a reload was rejected (path, reason); the audit log listens.</summary>
    public event Action<string, string?>? FileReloaded;

    /// <summary>Loads the file (throwing <see cref="ConfigException"/> if it is bad) and the store, then starts watching.</summary>
    public void Initialize()
    {
        if (_options.ConfigPath is { } path)
        {
            var fullPath = Path.GetFullPath(path);
            if (!File.Exists(fullPath))
            {
                throw new ConfigException("$", $"config file '{fullPath}' does not exist");
            }

            _fileText = File.ReadAllText(fullPath);
            _fileConfig = _loader.Load(_fileText);
            foreach (var warning in _fileConfig.Warnings)
            {
                _logger.LogWarning("Config: {Warning}", warning);
            }

            Watch(fullPath);
        }

        Publish();
    }

    /// <summary>Re-reads the admin-managed providers after the admin API changed them.</summary>
    public void StoreChanged() => Publish();

    /// <summary>
    /// A vault secret rotated: loads the last accepted file text again (its vault values now come from the refreshed
    /// cache) and republishes. A load that fails keeps the current snapshot, as a bad file reload does.
    /// </summary>
    public void SecretsChanged()
    {
        if (_fileText is { } text)
        {
            try
            {
                _fileConfig = _loader.Load(text);
            }
            catch (ConfigException ex)
            {
                _logger.LogError("Re-resolving secrets after a vault change failed, keeping the last good configuration: {Reason}", ex.Message);
                return;
            }
        }

        Publish();
    }

    /// <summary>Validates a provider definition as the admin API received it, with the same rules as the config file.</summary>
    public ProviderConfig ValidateStoredProvider(string name, JsonElement json)
    {
        var warnings = new List<string>();
        var provider = _loader.ReadProvider(name, new JsonObjectReader(json, $"$.providers.{name}"), warnings)
            ?? throw new ConfigException($"$.providers.{name}", "this provider type is not supported yet");
        return provider with { FromConfigFile = false };
    }

    private void Publish()
    {
        lock (_gate)
        {
            var providers = new Dictionary<string, ProviderConfig>(_fileConfig.Providers, StringComparer.Ordinal);
            // Stored providers may refer to the file's vaults; their references are refreshed like the file's.
            using var vaults = _loader.Secrets.BeginScope(_fileConfig.Sections);
            foreach (var (name, json) in _store.LoadProviders())
            {
                if (providers.ContainsKey(name))
                {
                    _logger.LogWarning("Provider {Provider} is defined in the config file and the store; the file wins", name);
                    continue;
                }

                try
                {
                    using var document = JsonDocument.Parse(json);
                    providers[name] = ValidateStoredProvider(name, document.RootElement);
                }
                catch (Exception ex) when (ex is ConfigException or JsonException)
                {
                    _logger.LogError("Stored provider {Provider} is invalid and was skipped: {Reason}", name, ex.Message);
                }
            }

            _current = _fileConfig with
            {
                Providers = providers.ToFrozenDictionary(StringComparer.Ordinal),
                Sections = vaults.Complete(_fileConfig.Sections),
            };
        }

        Changed?.Invoke(_current);
    }

    /// <summary>
    /// Watches the config file's own directory, not its subtree: PhysicalFileProvider watches recursively, and the data
    /// directory usually sits below the config file, so every SQLite page write woke the watcher (2% of the gateway's
    /// CPU at saturation). Names starting with ".." are Kubernetes ConfigMap updates, which swap a symlinked folder.
    /// </summary>
    private void Watch(string fullPath)
    {
        var fileName = Path.GetFileName(fullPath);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(fullPath)!)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };

        void OnEvent(string? name)
        {
            if (name is null || (!string.Equals(name, fileName, StringComparison.Ordinal) && !name.StartsWith("..", StringComparison.Ordinal)))
            {
                return;
            }

            var version = Interlocked.Increment(ref _reloadVersion);
            _ = Task.Delay(ReloadDebounce).ContinueWith(_ =>
            {
                if (version == Volatile.Read(ref _reloadVersion))
                {
                    Reload(fullPath);
                }
            }, TaskScheduler.Default);
        }

        _watcher.Changed += (_, e) => OnEvent(e.Name);
        _watcher.Created += (_, e) => OnEvent(e.Name);
        _watcher.Renamed += (_, e) => OnEvent(e.Name);
        _watcher.EnableRaisingEvents = true;
    }

    private void Reload(string fullPath)
    {
        try
        {
            var text = File.ReadAllText(fullPath);
            var config = _loader.Load(text);
            foreach (var warning in config.Warnings)
            {
                _logger.LogWarning("Config: {Warning}", warning);
            }

            _fileConfig = config;
            _fileText = text;
            _logger.LogInformation("Config file {Path} reloaded: {Count} providers", fullPath, config.Providers.Count);
            Publish();
            FileReloaded?.Invoke(fullPath, null);
        }
        catch (Exception ex) when (ex is ConfigException or IOException)
        {
            _logger.LogError("Config reload rejected, keeping the last good configuration: {Reason}", ex.Message);
            FileReloaded?.Invoke(fullPath, ex.Message);
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
    }
}
