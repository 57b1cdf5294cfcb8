using System.Text.Json.Serialization.Metadata;
using Tollgate.Configuration;
using Tollgate.Governance.Model;

namespace Tollgate.Governance;

/// <summary>
/// Owns the live <see cref="GovernanceSnapshot"/>: the config file's entities (read-only) merged with the store's.
/// Every change through the admin API is validated against the merged view first, then saved, then published,
/// so nothing is ever half-created.
/// </summary>
internal sealed class GovernanceRegistry
{
    private readonly IGovernanceStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<GovernanceRegistry> _logger;
    private readonly Lock _gate = new();
    private GovernanceConfig _file = GovernanceConfig.Empty;
    private volatile GovernanceSnapshot _current = GovernanceSnapshot.Empty;

    public GovernanceRegistry(GatewayConfigMonitor config, IGovernanceStore store, TimeProvider time, ILogger<GovernanceRegistry> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        config.Changed += c => Publish(c.Governance);
        Publish(config.Current.Governance);
    }

    public GovernanceSnapshot Current => _current;

    /// <summary>Raised after a new snapshot is published.</summary>
    public event Action<GovernanceSnapshot>? Changed;

    /// <summary>Re-reads the store's entities (another instance of the cluster changed some) and publishes them.</summary>
    public void Refresh() => Publish(_file);

    private void Publish(GovernanceConfig file)
    {
        lock (_gate)
        {
            _file = file;
            var stored = WithoutShadowed(_store.LoadEntities(), file);
            _current = new GovernanceSnapshot(file, stored, _time.GetUtcNow());
        }

        Changed?.Invoke(_current);
    }

    /// <summary>Store entities whose id the file also declares are hidden: the file owns what it declares.</summary>
    private GovernanceConfig WithoutShadowed(GovernanceConfig stored, GovernanceConfig file)
    {
        List<T> Filter<T>(IReadOnlyList<T> items, IReadOnlyList<T> fileItems, Func<T, string> id, string kind)
        {
            var fileIds = fileItems.Select(id).ToHashSet(StringComparer.Ordinal);
            var kept = new List<T>();
            foreach (var item in items)
            {
                if (fileIds.Contains(id(item)))
                {
                    _logger.LogWarning("Stored {Kind} '{Id}' is also declared in the config file; the file wins", kind, id(item));
                    continue;
                }

                kept.Add(item);
            }

            return kept;
        }

        return new GovernanceConfig
        {
            Customers = Filter(stored.Customers, file.Customers, c => c.Id, EntityKind.Customer),
            Teams = Filter(stored.Teams, file.Teams, t => t.Id, EntityKind.Team),
            Budgets = Filter(stored.Budgets, file.Budgets, b => b.Id, EntityKind.Budget),
            RateLimits = Filter(stored.RateLimits, file.RateLimits, r => r.Id, EntityKind.RateLimit),
            VirtualKeys = Filter(stored.VirtualKeys, file.VirtualKeys, v => v.Id, EntityKind.VirtualKey),
            ModelLimits = Filter(stored.ModelLimits, file.ModelLimits, m => m.Id, EntityKind.ModelLimit),
        };
    }

    /// <summary>Creates or replaces a stored entity after validating the whole merged view with it in place.</summary>
    public void Upsert<T>(string kind, string id, T entity, JsonTypeInfo<T> type, Func<GovernanceConfig, T, GovernanceConfig> apply)
    {
        lock (_gate)
        {
            var candidate = apply(_current.Merged, entity);
            GovernanceValidator.Validate(candidate, static (_, _, field) => field);
            _store.Save(kind, id, entity, type);
            var stored = WithoutShadowed(_store.LoadEntities(), _file);
            _current = new GovernanceSnapshot(_file, stored, _time.GetUtcNow());
        }

        Changed?.Invoke(_current);
    }

    /// <summary>Deletes a stored entity unless something still refers to it.</summary>
    public void Delete(string kind, string id, Func<GovernanceConfig, GovernanceConfig> remove)
    {
        lock (_gate)
        {
            GovernanceValidator.Validate(remove(_current.Merged), static (_, _, field) => field);
            _store.Delete(kind, id);
            var stored = WithoutShadowed(_store.LoadEntities(), _file);
            _current = new GovernanceSnapshot(_file, stored, _time.GetUtcNow());
        }

        Changed?.Invoke(_current);
    }

    public static GovernanceConfig Replace<T>(IReadOnlyList<T> items, T entity, Func<T, string> id, Func<List<T>, GovernanceConfig> rebuild)
    {
        var list = items.Where(i => id(i) != id(entity)).ToList();
        list.Add(entity);
        return rebuild(list);
    }
}
