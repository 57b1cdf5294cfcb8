using System.Data.Common;

namespace Tollgate.Audit;

/// <summary>
/// The audit table on either engine, through ADO.NET: the SQL is the same but for the lock and one function
/// (<see cref="AuditDialect"/>), so one implementation serves SQLite and PostgreSQL.
/// </summary>
internal sealed class AuditStore : IAuditStore
{
    private const string SelectColumns = "id, time_ms, actor_kind, actor, source, action, target, status, before_json, after_json, previous_hash, hash";

    private readonly Func<DbConnection> _open;
    private readonly AuditDialect _dialect;
    private readonly Lock _appendGate = new();

    public AuditStore(Func<DbConnection> open, AuditDialect dialect)
    {
        _open = open;
        _dialect = dialect;
        // Instances starting together on one PostgreSQL would race on CREATE TABLE IF NOT EXISTS (both pass the check,
        // one fails on the catalog's unique index): the append lock makes them take turns here too.
        using var connection = _open();
        using var transaction = connection.BeginTransaction();
        if (dialect.LockStatement.Length > 0)
        {
            Execute(connection, transaction, dialect.LockStatement);
        }

        Execute(connection, transaction, dialect.Schema);
        transaction.Commit();
    }

    public AuditEntry Append(Func<(long Id, string Hash)?, AuditEntry> seal)
    {
        // The process lock saves SQLite writers from busy-waiting on each other; the transaction's lock covers other processes.
        lock (_appendGate)
        {
            using var connection = _open();
            using var transaction = connection.BeginTransaction(_dialect.Isolation);
            if (_dialect.LockStatement.Length > 0)
            {
                Execute(connection, transaction, _dialect.LockStatement);
            }

            (long, string)? last = null;
            using (var command = Command(connection, transaction, "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1"))
            using (var reader = command.ExecuteReader())
            {
                if (reader.Read())
                {
                    last = (reader.GetInt64(0), reader.GetString(1));
                }
            }

            var entry = seal(last);
            using (var insert = Command(connection, transaction, $"""
                INSERT INTO audit_log ({SelectColumns})
                VALUES (@id, @time, @kind, @actor, @source, @action, @target, @status, @before, @after, @previous, @hash)
                """))
            {
                Add(insert, "@id", entry.Id);
                Add(insert, "@time", entry.Time.ToUnixTimeMilliseconds());
                Add(insert, "@kind", entry.ActorKind);
                Add(insert, "@actor", entry.Actor);
                Add(insert, "@source", entry.Source);
                Add(insert, "@action", entry.Action);
                Add(insert, "@target", entry.Target);
                Add(insert, "@status", entry.Status);
                Add(insert, "@before", entry.Before);
                Add(insert, "@after", entry.After);
                Add(insert, "@previous", entry.PreviousHash);
                Add(insert, "@hash", entry.Hash);
                insert.ExecuteNonQuery();
            }

            using (var head = Command(connection, transaction, """
                INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, @id, @hash)
                ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash
                """))
            {
                Add(head, "@id", entry.Id);
                Add(head, "@hash", entry.Hash);
                head.ExecuteNonQuery();
            }

            transaction.Commit();
            return entry;
        }
    }

    public IReadOnlyList<AuditEntry> Query(AuditQuery query)
    {
        using var connection = _open();
        using var command = connection.CreateCommand();
        var where = new List<string>();
        void Filter(string clause, string name, object? value)
        {
            if (value is not null)
            {
                where.Add(clause);
                Add(command, name, value);
            }
        }

        Filter("time_ms >= @from", "@from", query.From?.ToUnixTimeMilliseconds());
        Filter("time_ms < @to", "@to", query.To?.ToUnixTimeMilliseconds());
        Filter("actor = @actor", "@actor", query.Actor);
        Filter("actor_kind = @kind", "@kind", query.ActorKind);
        Filter($"{_dialect.ContainsFunction}(action, @action) > 0", "@action", query.Action);
        Filter("substr(target, 1, length(@target)) = @target", "@target", query.Target);
        Filter("id < @before", "@before", query.Before);
        if (query.Outcome is "success")
        {
            where.Add("status >= 200 AND status < 400");
        }
        else if (query.Outcome is "failure")
        {
            where.Add("(status < 200 OR status >= 400)");
        }

        command.CommandText = $"SELECT {SelectColumns} FROM audit_log {(where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT @limit";
        Add(command, "@limit", Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit));
        return ReadAll(command);
    }

    public (long Id, string Hash)? Head()
    {
        using var connection = _open();
        using var command = Command(connection, null, "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1");
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public IReadOnlyList<AuditEntry> ReadForward(long afterId, int limit)
    {
        using var connection = _open();
        using var command = Command(connection, null, $"SELECT {SelectColumns} FROM audit_log WHERE id > @after ORDER BY id LIMIT @limit");
        Add(command, "@after", afterId);
        Add(command, "@limit", limit);
        return ReadAll(command);
    }

    public int DeleteOlderThan(DateTimeOffset cutoff)
    {
        using var connection = _open();
        using var command = Command(connection, null, "DELETE FROM audit_log WHERE time_ms < @cutoff");
        Add(command, "@cutoff", cutoff.ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery();
    }

    private static List<AuditEntry> ReadAll(DbCommand command)
    {
        var entries = new List<AuditEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(new AuditEntry
            {
                Id = reader.GetInt64(0),
                Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                ActorKind = reader.GetString(2),
                Actor = reader.GetString(3),
                Source = reader.GetString(4),
                Action = reader.GetString(5),
                Target = reader.GetString(6),
                Status = reader.GetInt32(7),
                Before = reader.IsDBNull(8) ? null : reader.GetString(8),
                After = reader.IsDBNull(9) ? null : reader.GetString(9),
                PreviousHash = reader.GetString(10),
                Hash = reader.GetString(11),
            });
        }

        return entries;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
