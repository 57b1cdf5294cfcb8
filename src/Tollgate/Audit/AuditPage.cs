namespace Tollgate.Audit;

/// <summary>One page of <c>GET /api/audit</c>; <see cref="NextCursor"/> goes into <c>?before=</c> for the next, null at the end.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntryView> Entries, string? NextCursor);
