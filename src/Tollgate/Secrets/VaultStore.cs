using System.Collections.Concurrent;

namespace Tollgate.Secrets;

/// <summary>
/// A configured store at run time: its client and the secrets read from it, by path. A failed refresh keeps the last
/// good document, so an outage of the store never takes a working key away.
/// </summary>
internal sealed class VaultStore : IDisposable
{
    private readonly ISecretStoreClient _client;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, VaultEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _statusGate = new();
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;
    private long _failures;

    public VaultStore(VaultStoreConfig config, ISecretStoreClient client, TimeProvider time)
    {
        Config = config;
        _client = client;
        _time = time;
        NextRefresh = time.GetUtcNow() + TimeSpan.FromSeconds(config.RefreshSeconds);
    }

    public VaultStoreConfig Config { get; }

    public DateTimeOffset NextRefresh { get; private set; }

    /// <summary>Refreshes that failed for at least one secret, since start (a Prometheus counter).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// The cached document, or a read now. Blocking by design: config loading is synchronous and runs at start-up, on a
    /// reload, or for an admin call that adds a provider, never on the inference path.
    /// </summary>
    public SecretFetch GetOrFetch(string path)
    {
        if (_entries.TryGetValue(path, out var entry))
        {
            return SecretFetch.Ok(entry.Document);
        }

        var fetch = _client.FetchAsync(path, CancellationToken.None).GetAwaiter().GetResult();
        var now = _time.GetUtcNow();
        if (fetch.Document is { } document)
        {
            _entries.TryAdd(path, new VaultEntry(document, now));
            Record(now, null);
        }
        else
        {
            Record(now, fetch.Error);
        }

        return fetch;
    }

    /// <summary>Reads every given path again; true when any secret's value changed.</summary>
    public async Task<RefreshOutcome> RefreshAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        NextRefresh = now + TimeSpan.FromSeconds(Config.RefreshSeconds);
        var changed = new List<string>();
        var failed = new List<(string Path, string Error)>();
        foreach (var path in paths)
        {
            var fetch = await _client.FetchAsync(path, cancellationToken);
            now = _time.GetUtcNow();
            if (fetch.Document is not { } document)
            {
                if (_entries.TryGetValue(path, out var stale))
                {
                    stale.Error = fetch.Error;
                }

                failed.Add((path, fetch.Error!));
                continue;
            }

            var entry = _entries.GetOrAdd(path, static (_, state) => new VaultEntry(state.document, state.now), (document, now));
            if (!string.Equals(entry.Document.Raw, document.Raw, StringComparison.Ordinal))
            {
                entry.Document = document;
                changed.Add(path);
            }

            entry.FetchedAt = now;
            entry.Error = null;
        }

        if (failed.Count > 0)
        {
            Interlocked.Increment(ref _failures);
        }

        Record(now, failed.Count == 0 ? null : failed[0].Error);
        return new RefreshOutcome(changed, failed);
    }

    /// <summary>Forgets secrets no loaded config refers to any more, so they are neither refreshed nor reported.</summary>
    public void Retain(IReadOnlySet<string> paths)
    {
        foreach (var path in _entries.Keys)
        {
            if (!paths.Contains(path))
            {
                _entries.TryRemove(path, out _);
            }
        }
    }

    public VaultStoreStatus Status()
    {
        lock (_statusGate)
        {
            var failing = _entries.Values.Count(e => e.Error is not null);
            return new VaultStoreStatus(Config.Name, Config.Type, _lastError is null && failing == 0 ? VaultStoreStatus.Ok : VaultStoreStatus.Failing,
                _entries.Count, failing, Config.RefreshSeconds, _lastSuccess, _lastFailure, _lastError);
        }
    }

    private void Record(DateTimeOffset now, string? error)
    {
        lock (_statusGate)
        {
            if (error is null)
            {
                _lastSuccess = now;
                _lastError = null;
            }
            else
            {
                _lastFailure = now;
                _lastError = error;
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
