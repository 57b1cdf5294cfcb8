namespace Tollgate.Operations.Exports;

internal sealed record ExportRunsView(IReadOnlyList<ExportRun> Runs);
