namespace Tollgate.Audit;

/// <summary>The few places where SQLite and PostgreSQL SQL differ for the audit table; everything else is shared.</summary>
internal sealed record AuditDialect(string Name, string Schema, System.Data.IsolationLevel Isolation, string LockStatement, string ContainsFunction)
{
    private static string Columns(string idType) => $"""
        id {idType} PRIMARY KEY,
        time_ms BIGINT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        source TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        status INTEGER NOT NULL,
        before_json TEXT NULL,
        after_json TEXT NULL,
        previous_hash TEXT NOT NULL,
        hash TEXT NOT NULL
        """;

    // The chain's head lives apart from the entries: emptying or truncating audit_log does not reset it, and verify
    // compares the newest entry with it, so removed entries at the end are found too.
    private const string Indexes = """
        CREATE TABLE IF NOT EXISTS audit_head (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            last_id BIGINT NOT NULL,
            last_hash TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_audit_log_time ON audit_log (time_ms);
        CREATE INDEX IF NOT EXISTS ix_audit_log_actor ON audit_log (actor, id);
        """;

    /// <summary>Writers serialise on the transaction's write lock (BEGIN IMMEDIATE), within and across processes.</summary>
    public static readonly AuditDialect Sqlite = new("sqlite",
        $"CREATE TABLE IF NOT EXISTS audit_log ({Columns("INTEGER")});\n{Indexes}",
        System.Data.IsolationLevel.Serializable, string.Empty, "instr");

    /// <summary>
    /// Instances sharing the database serialise appends on a transaction-scoped advisory lock. Read committed, not
    /// serializable: the read of the last entry must see what the lock's previous holder committed.
    /// </summary>
    public static readonly AuditDialect Postgres = new("postgres",
        $"CREATE TABLE IF NOT EXISTS audit_log ({Columns("BIGINT")});\n{Indexes}",
        System.Data.IsolationLevel.ReadCommitted, "SELECT pg_advisory_xact_lock(7406212016);", "strpos");
}
