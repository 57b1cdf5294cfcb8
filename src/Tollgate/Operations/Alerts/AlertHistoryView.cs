namespace Tollgate.Operations.Alerts;

internal sealed record AlertHistoryView(IReadOnlyList<AlertEvent> Events);
