namespace Tollgate.Observability;

/// <summary>Source-generated log messages with their event ids in one place.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug,
        Message = "Request {RequestId} → {Provider}/{Model}: {Status} after {Attempts} attempt(s), {PromptTokens}+{CompletionTokens} tokens, {ElapsedMs:0.0} ms")]
    public static partial void RequestCompleted(ILogger logger, string requestId, string provider, string model, int status, int attempts,
        int promptTokens, int completionTokens, double elapsedMs);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Request {RequestId} could not be recorded for logs and metrics")]
    public static partial void RequestNotRecorded(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Request observer {Observer} failed on request {RequestId}")]
    public static partial void ObserverFailed(ILogger logger, string observer, string requestId, Exception exception);

}
