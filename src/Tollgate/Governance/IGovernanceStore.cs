using System.Text.Json.Serialization.Metadata;
using Tollgate.Governance.Usage;

namespace Tollgate.Governance;

/// <summary>
/// Governance entities and usage records. Entities are JSON documents keyed by kind and id (they are few and read whole
/// into memory); usage records are rows indexed by time and by key, team and customer, for budget rebuilds at start and
/// usage queries. Implementations live in <c>Governance/Storage/</c>: SQLite by default, PostgreSQL for clusters.
/// </summary>
internal interface IGovernanceStore
{
    /// <summary>Every stored entity, each kind ordered by id (ordinal).</summary>
    GovernanceConfig LoadEntities();

    /// <summary>Inserts or replaces the entity of that kind and id.</summary>
    void Save<T>(string kind, string id, T entity, JsonTypeInfo<T> type);

    /// <summary>False when there was no such entity.</summary>
    bool Delete(string kind, string id);

    /// <summary>
    /// Writes a batch of usage records, all or none. A database failure surfaces as <see cref="IOException"/> whatever
    /// the backend, so the writer can keep the batch and retry instead of losing spend.
    /// </summary>
    void Append(IReadOnlyList<UsageRecord> records);

    /// <summary>Spend since <paramref name="since"/> (inclusive) by any of the given keys, teams or customers, each record counted once.</summary>
    long SpendSince(DateTimeOffset since, IReadOnlyCollection<string> virtualKeyIds, IReadOnlyCollection<string> teamIds, IReadOnlyCollection<string> customerIds);

    /// <summary>
    /// Spend and tokens grouped by one dimension (<c>model</c>, <c>provider</c>, <c>virtual_key</c>, <c>team</c>,
    /// <c>customer</c>) and optionally by UTC day, over [<paramref name="from"/>, <paramref name="to"/>); ordered by day,
    /// then key, nulls first, ordinal. <paramref name="teamId"/> set counts only that team's records (a team-scoped admin's view).
    /// </summary>
    List<UsageRow> Aggregate(string groupBy, bool byDay, DateTimeOffset from, DateTimeOffset to, string? teamId = null);
}
