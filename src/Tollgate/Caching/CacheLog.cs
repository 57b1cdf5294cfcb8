namespace Tollgate.Caching;

internal static partial class CacheLog
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "Response cache lookup failed; answering as a miss")]
    public static partial void LookupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Warning, Message = "Response cache could not store an answer")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Warning, Message = "Semantic cache embedding failed: {Reason}")]
    public static partial void EmbeddingFailed(ILogger logger, string reason);
}
