namespace Tollgate.Operations.Alerts;

/// <summary>Alerting's log messages (event ids 1700–1719).</summary>
internal static partial class AlertLog
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Alert {RuleId} to channel {ChannelId} failed after {Attempts} attempts: {Detail}")]
    public static partial void SendFailed(ILogger logger, string ruleId, string channelId, int attempts, string detail);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Error, Message = "Evaluating alert rule {RuleId} failed")]
    public static partial void EvaluationFailed(ILogger logger, Exception exception, string ruleId);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Alert {RuleId} {Kind} ({Instance}): {Summary}")]
    public static partial void Notice(ILogger logger, string ruleId, string kind, string instance, string summary);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Error, Message = "Writing alert history failed")]
    public static partial void HistoryFailed(ILogger logger, Exception exception);
}
