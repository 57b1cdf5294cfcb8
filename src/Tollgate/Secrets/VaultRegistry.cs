using System.Collections.Frozen;
using Tollgate.Secrets.Aws;
using Tollgate.Secrets.Azure;
using Tollgate.Secrets.Gcp;
using Tollgate.Secrets.HashiCorp;

namespace Tollgate.Secrets;

/// <summary>
/// The stores at run time. A load <see cref="Prepare"/>s the stores its file declares, reusing those whose settings did not
/// change (their login and cached secrets survive a reload); <see cref="Commit"/> makes the published config's set the
/// one the refresher reads and disposes stores no config uses any more.
/// </summary>
public sealed class VaultRegistry : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<VaultStoreConfig, VaultStore> _pool = [];
    private volatile Committed _committed = new(VaultSet.Empty, []);

    public VaultRegistry(TimeProvider time) => _time = time;

    /// <summary>The set and references of the config in force.</summary>
    public VaultSet Current => _committed.Set;

    internal IReadOnlyList<VaultReference> CurrentReferences => _committed.References;

    public VaultSet Prepare(FrozenDictionary<string, VaultStoreConfig> configs)
    {
        if (configs.Count == 0)
        {
            return VaultSet.Empty;
        }

        lock (_gate)
        {
            var stores = new Dictionary<string, VaultStore>(StringComparer.Ordinal);
            foreach (var (name, config) in configs)
            {
                if (!_pool.TryGetValue(config, out var store))
                {
                    store = new VaultStore(config, CreateClient(config), _time);
                    _pool[config] = store;
                }

                stores[name] = store;
            }

            return new VaultSet(stores.ToFrozenDictionary(StringComparer.Ordinal));
        }
    }

    public void Commit(VaultSet set, IReadOnlyList<VaultReference> references)
    {
        lock (_gate)
        {
            var live = set.Stores.Values.ToHashSet();
            foreach (var (config, store) in _pool.ToArray())
            {
                if (!live.Contains(store))
                {
                    _pool.Remove(config);
                    store.Dispose();
                }
            }

            foreach (var (name, store) in set.Stores)
            {
                store.Retain(references.Where(r => r.Store == name).Select(r => r.Path).ToHashSet(StringComparer.Ordinal));
            }

            _committed = new Committed(set, references);
        }
    }

    public IReadOnlyList<VaultStoreStatus> Status() => [.. _committed.Set.Stores.Values.Select(s => s.Status()).OrderBy(s => s.Name, StringComparer.Ordinal)];

    private ISecretStoreClient CreateClient(VaultStoreConfig config) => config switch
    {
        HashiCorpVaultConfig hashiCorp => new HashiCorpVaultClient(hashiCorp, _time),
        AwsSecretsManagerConfig aws => new AwsSecretsManagerClient(aws, _time),
        GcpSecretManagerConfig gcp => new GcpSecretManagerClient(gcp, _time),
        AzureKeyVaultConfig azure => new AzureKeyVaultClient(azure, _time),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Type, "unknown vault type"),
    };

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var store in _pool.Values)
            {
                store.Dispose();
            }

            _pool.Clear();
        }
    }

    private sealed record Committed(VaultSet Set, IReadOnlyList<VaultReference> References);
}
