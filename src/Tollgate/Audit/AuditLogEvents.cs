namespace Tollgate.Audit;

/// <summary>
/// Log events of the audit log (17xx). Every entry is also one line on the <c>Tollgate.Audit</c> category, so operators
/// who route that category elsewhere keep receiving it; the line has no before/after.
/// </summary>
internal static partial class AuditLogEvents
{
    public const string Category = "Tollgate.Audit";

    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "Audit #{Id}: {ActorKind} {Actor} from {Source}: {Action} {Target} → {Status}")]
    public static partial void Recorded(ILogger logger, long id, string actorKind, string actor, string source, string action, string target, int status);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Error, Message = "Writing an audit entry failed: {Action} {Target} by {Actor}")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string action, string target, string actor);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Audit retention: deleted {Count} entries older than {Cutoff:u}")]
    public static partial void RetentionDeleted(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Error, Message = "Audit retention sweep failed; it runs again in an hour")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
