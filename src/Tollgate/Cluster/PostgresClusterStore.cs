using Npgsql;
using Tollgate.Storage;

namespace Tollgate.Cluster;

/// <summary>
/// The cluster's shared state in PostgreSQL: membership heartbeats, the leader lease and change versions.
/// <para>
/// <b>Changes.</b> Statement triggers on the entity tables (providers, settings, users, sessions, governance entities)
/// bump a per-table version in <c>cluster_changes</c>; every instance polls that small table (<c>cluster.change_poll_ms</c>,
/// 250 ms by default) and reloads what changed. A poll rather than LISTEN/NOTIFY: it needs no connection held open per
/// instance, it cannot miss a notice while a connection is being re-established (NOTIFY is fire-and-forget), and it
/// catches writes from any client of the database, including an operator's SQL, at a few cheap queries per second.
/// </para>
/// <para>
/// <b>Leader.</b> A lease row (<c>cluster_leases</c>) with an expiry on the database's clock, renewed at every heartbeat;
/// another instance takes it once it has expired, so a dead leader is replaced within the lease time plus one heartbeat.
/// </para>
/// </summary>
internal sealed class PostgresClusterStore
{
    // Same idea as PostgresSchema's migration lock, a different number: "TgBoot" in ASCII.
    private const long BootstrapLockKey = 0x5467426F6F74;

    private static readonly string[] WatchedTables = ["providers", "settings", "users", "sessions", "governance_entities"];

    private readonly NpgsqlDataSource _dataSource;

    public PostgresClusterStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        var triggers = string.Concat(WatchedTables.Select(table => $"""
            CREATE OR REPLACE TRIGGER tollgate_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION tollgate_changed();

            """));
        PostgresSchema.Migrate(dataSource, $$"""
            CREATE TABLE IF NOT EXISTS cluster_instances (
                id TEXT PRIMARY KEY,
                address TEXT NOT NULL,
                version TEXT NOT NULL,
                config_hash TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                last_heartbeat TIMESTAMPTZ NOT NULL
            );
            CREATE TABLE IF NOT EXISTS cluster_leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL
            );
            CREATE TABLE IF NOT EXISTS cluster_changes (
                kind TEXT PRIMARY KEY,
                version BIGINT NOT NULL
            );
            CREATE OR REPLACE FUNCTION tollgate_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                INSERT INTO cluster_changes (kind, version) VALUES (TG_TABLE_NAME, 1)
                    ON CONFLICT (kind) DO UPDATE SET version = cluster_changes.version + 1;
                RETURN NULL;
            END $fn$;
            {{triggers}}
            """);
    }

    /// <summary>
    /// Holds a cluster-wide lock while fresh instances bootstrap (first admin, generated admin token), so instances
    /// started together do not each generate one: the first creates, the others find it. Dispose to release.
    /// </summary>
    public IDisposable AcquireBootstrapLock()
    {
        var connection = _dataSource.OpenConnection();
        using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            command.Parameters.AddWithValue("key", BootstrapLockKey);
            command.ExecuteNonQuery();
        }

        return new BootstrapLock(connection, BootstrapLockKey);
    }

    public async Task HeartbeatAsync(ClusterInstance instance, string configHash, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO cluster_instances (id, address, version, config_hash, started_at, last_heartbeat)
            VALUES (@id, @address, @version, @hash, @started, now())
            ON CONFLICT (id) DO UPDATE SET address = excluded.address, config_hash = excluded.config_hash, last_heartbeat = now()
            """);
        command.Parameters.AddWithValue("id", instance.Id);
        command.Parameters.AddWithValue("address", instance.Address);
        command.Parameters.AddWithValue("version", instance.Version);
        command.Parameters.AddWithValue("hash", configHash);
        command.Parameters.AddWithValue("started", startedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Instances whose heartbeat is younger than <paramref name="ttl"/>; rows far older are deleted on the way.</summary>
    public async Task<List<(string Id, string Address, string Version, string ConfigHash, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat)>> LiveAsync(
        TimeSpan ttl, CancellationToken cancellationToken)
    {
        await using (var purge = _dataSource.CreateCommand("DELETE FROM cluster_instances WHERE last_heartbeat < now() - make_interval(secs => @secs)"))
        {
            purge.Parameters.AddWithValue("secs", Math.Max(60, ttl.TotalSeconds * 10));
            await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = _dataSource.CreateCommand("""
            SELECT id, address, version, config_hash, started_at, last_heartbeat FROM cluster_instances
            WHERE last_heartbeat >= now() - make_interval(secs => @secs) ORDER BY started_at, id
            """);
        command.Parameters.AddWithValue("secs", ttl.TotalSeconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<(string, string, string, string, DateTimeOffset, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return list;
    }

    public async Task LeaveAsync(ClusterInstance instance, CancellationToken cancellationToken)
    {
        await using (var command = _dataSource.CreateCommand("DELETE FROM cluster_instances WHERE id = @id"))
        {
            command.Parameters.AddWithValue("id", instance.Id);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var release = _dataSource.CreateCommand("DELETE FROM cluster_leases WHERE holder = @id");
        release.Parameters.AddWithValue("id", instance.Id);
        await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes or renews the lease <paramref name="name"/>; returns its holder afterwards.</summary>
    public async Task<string?> AcquireLeaseAsync(string name, string holder, TimeSpan lease, CancellationToken cancellationToken)
    {
        // The outer SELECT sees the table as before the upsert: when the upsert did nothing, that row's holder stands.
        await using var command = _dataSource.CreateCommand("""
            WITH taken AS (
                INSERT INTO cluster_leases (name, holder, expires_at) VALUES (@name, @holder, now() + make_interval(secs => @secs))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE cluster_leases.holder = excluded.holder OR cluster_leases.expires_at < now()
                RETURNING holder)
            SELECT holder FROM taken
            UNION ALL SELECT holder FROM cluster_leases WHERE name = @name AND NOT EXISTS (SELECT 1 FROM taken)
            """);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("holder", holder);
        command.Parameters.AddWithValue("secs", lease.TotalSeconds);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>The change version of every watched table (a table never written yet is absent).</summary>
    public async Task<Dictionary<string, long>> ChangeVersionsAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT kind, version FROM cluster_changes");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    private sealed class BootstrapLock(NpgsqlConnection connection, long key) : IDisposable
    {
        public void Dispose()
        {
            // Explicitly: a pooled connection keeps its session (and its advisory locks) when returned to the pool.
            using (var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection))
            {
                command.Parameters.AddWithValue("key", key);
                command.ExecuteNonQuery();
            }

            connection.Dispose();
        }
    }
}
