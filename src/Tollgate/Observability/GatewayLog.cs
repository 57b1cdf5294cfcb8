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

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Metrics scrape could not read {Source}; its gauges keep their last values")]
    public static partial void ScrapeReadFailed(ILogger logger, Exception exception, string source);

}
