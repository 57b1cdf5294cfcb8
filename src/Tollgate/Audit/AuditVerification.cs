namespace Tollgate.Audit;

/// <summary>
/// <c>GET /api/audit/verify</c>: whether the chain holds from the oldest kept entry to the newest, and if not the first
/// entry that breaks it and why.
/// </summary>
internal sealed record AuditVerification(bool Ok, long Checked, long? FirstId, long? LastId, long? FirstBadId, string? Reason);
