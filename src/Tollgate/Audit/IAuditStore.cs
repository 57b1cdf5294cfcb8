namespace Tollgate.Audit;

/// <summary>Where audit entries live: a table in the gateway's SQLite file or its PostgreSQL database.</summary>
internal interface IAuditStore
{
    /// <summary>
    /// Appends one entry atomically with respect to every other writer (other instances included): <paramref name="seal"/>
    /// gets the chain head (the last appended entry's id and hash) and returns the entry to insert.
    /// </summary>
    AuditEntry Append(Func<(long Id, string Hash)?, AuditEntry> seal);

    IReadOnlyList<AuditEntry> Query(AuditQuery query);

    /// <summary>The id and hash of the last entry ever appended, kept apart from the entries.</summary>
    (long Id, string Hash)? Head();

    /// <summary>Entries with an id above <paramref name="afterId"/>, oldest first (verification walks the chain with this).</summary>
    IReadOnlyList<AuditEntry> ReadForward(long afterId, int limit);

    /// <summary>The entry just before the oldest kept one is gone after retention; the first kept entry starts the walk.</summary>
    int DeleteOlderThan(DateTimeOffset cutoff);
}
