namespace Tollgate.Observability.RequestLogs;

/// <summary>The request log's own log messages (event ids 1100–1119).</summary>
internal static partial class RequestLogLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Writing {Count} request log entries failed (attempt {Attempt}); retrying")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Dropped {Count} request log entries after {Attempts} failed attempts")]
    public static partial void BatchDropped(ILogger logger, Exception exception, int count, int attempts);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Request log retention: deleted {Count} entries older than {Cutoff:u}")]
    public static partial void RetentionDeleted(ILogger logger, long count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Request log retention sweep failed; it runs again in an hour")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Request log rollup: backfilled {Chunks} chunks of existing entries")]
    public static partial void RollupBackfilled(ILogger logger, int chunks);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Request log rollup backfill failed; stats read the entries until it completes at the next start")]
    public static partial void RollupBackfillFailed(ILogger logger, Exception exception);
}
