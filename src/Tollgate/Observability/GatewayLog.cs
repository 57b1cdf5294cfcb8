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

    // 1100-1119: admin sign-in and user management, on the "Tollgate.Audit" category so operators can route them apart.
    // Never a password or a session token; usernames of failed sign-ins are what the client typed.
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Admin sign-in: {Username} ({Role}) from {ClientAddress}")]
    public static partial void SignedIn(ILogger logger, string username, string role, string clientAddress);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Failed admin sign-in for {Username} from {ClientAddress}")]
    public static partial void SignInFailed(ILogger logger, string username, string clientAddress);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Admin sign-in throttled for {Username} from {ClientAddress} ({RetryAfterSeconds} s)")]
    public static partial void SignInThrottled(ILogger logger, string username, string clientAddress, int retryAfterSeconds);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Admin sign-out: {Username}")]
    public static partial void SignedOut(ILogger logger, string username);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Admin user {Username} changed their password; their other sessions ended")]
    public static partial void PasswordChanged(ILogger logger, string username);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Admin user {Username} ({Role}) created by {Actor}")]
    public static partial void UserCreated(ILogger logger, string username, string role, string actor);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information,
        Message = "Admin user {Username} updated by {Actor}: role {Role}, password changed {PasswordChanged}; their sessions ended")]
    public static partial void UserUpdated(ILogger logger, string username, string role, bool passwordChanged, string actor);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Admin user {Username} deleted by {Actor}")]
    public static partial void UserDeleted(ILogger logger, string username, string actor);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Created the first admin user '{Username}' ({Source})")]
    public static partial void BootstrapAdminCreated(ILogger logger, string username, string source);
    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Metrics scrape could not read {Source}; its gauges keep their last values")]
    public static partial void ScrapeReadFailed(ILogger logger, Exception exception, string source);

}
