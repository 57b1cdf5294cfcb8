namespace Tollgate.Operations.Exports;

internal sealed record ExportsView(IReadOnlyList<ExportDestinationView> Destinations, IReadOnlyList<ExportScheduleView> Schedules);
