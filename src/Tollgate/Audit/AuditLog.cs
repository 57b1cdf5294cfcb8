namespace Tollgate.Audit;

/// <summary>
/// Records audit entries: seals each onto the chain inside the store's append lock, and writes the one-line form to
/// the <c>Tollgate.Audit</c> log category. Admin calls are rare, so the write is synchronous: an action that the
/// gateway answered is in the log before the next one starts.
/// </summary>
internal sealed class AuditLog(IAuditStore store, AuditChain chain, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger(AuditLogEvents.Category);

    public IAuditStore Store => store;

    public AuditChain Chain => chain;

    public AuditEntry? Record(AuditEntry entry)
    {
        try
        {
            var written = store.Append(previous => chain.Seal(entry with { Time = time.GetUtcNow() }, previous));
            AuditLogEvents.Recorded(_logger, written.Id, written.ActorKind, written.Actor, written.Source, written.Action, written.Target, written.Status);
            return written;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            AuditLogEvents.WriteFailed(_logger, ex, entry.Action, entry.Target, entry.Actor);
            return null;
        }
    }
}
