namespace Tollgate.Operations.Exports;

/// <summary>Exports' log messages (event ids 1720–1739).</summary>
internal static partial class ExportLog
{
    [LoggerMessage(EventId = 1720, Level = LogLevel.Information, Message = "Export {ScheduleId}: window {Start:u} to {End:u}, {Rows} rows to {Location}")]
    public static partial void Exported(ILogger logger, string scheduleId, DateTimeOffset start, DateTimeOffset end, long rows, string location);

    [LoggerMessage(EventId = 1721, Level = LogLevel.Error, Message = "Export {ScheduleId}: window {Start:u} failed; it is retried at the next run")]
    public static partial void Failed(ILogger logger, Exception exception, string scheduleId, DateTimeOffset start);
}
