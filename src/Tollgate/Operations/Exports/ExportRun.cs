namespace Tollgate.Operations.Exports;

/// <summary>One window of one schedule: its checkpoint row. <see cref="Status"/> is <c>running</c>, <c>done</c> or <c>failed</c>.</summary>
public sealed record ExportRun(
    string ScheduleId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string Status,
    DateTimeOffset Started,
    DateTimeOffset? Finished,
    long Rows,
    string Files,
    string Detail);
