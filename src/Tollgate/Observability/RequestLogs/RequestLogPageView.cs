namespace Tollgate.Observability.RequestLogs;

/// <summary><c>GET /api/logs</c>: a page and the cursor of the next one (null on the last page).</summary>
internal sealed record RequestLogPageView(IReadOnlyList<RequestLogView> Data, string? NextCursor);
