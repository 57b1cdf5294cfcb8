namespace Tollgate.Operations.Exports;

internal sealed record ExportScheduleView(string Id, string Destination, string Format, string Cron, bool Gzip, bool IncludeContent, int DelaySeconds,
    DateTimeOffset? NextWindowEnd, ExportRun? LastRun);
