namespace Tollgate.Observability.RequestLogs;

/// <summary>One page of the list, newest first; <see cref="Next"/> is null on the last page.</summary>
internal sealed record RequestLogPage(IReadOnlyList<RequestLogEntry> Entries, RequestLogCursor? Next);
