using Cronos;

namespace Tollgate.Operations.Exports;

/// <summary>
/// One scheduled export of the request log: each window between two consecutive cron occurrences (UTC) is written once,
/// <see cref="Delay"/> after it closes, so entries logged late (a long stream is logged when it ends) are in it.
/// </summary>
public sealed record ExportScheduleConfig
{
    public required string Id { get; init; }

    public required string Destination { get; init; }

    public required ExportFormat Format { get; init; }

    public required CronExpression Cron { get; init; }

    public required string CronText { get; init; }

    public bool Gzip { get; init; }

    /// <summary>Request and response bodies: only when asked, as they may hold what users typed.</summary>
    public bool IncludeContent { get; init; }

    public TimeSpan Delay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the first window starts; null: the first cron occurrence in the day before the first run.</summary>
    public DateTimeOffset? Start { get; init; }
}
