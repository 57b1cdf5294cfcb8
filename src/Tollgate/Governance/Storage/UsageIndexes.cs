namespace Tollgate.Governance.Storage;

/// <summary>
/// The usage table's per-owner indexes, the same on SQLite and PostgreSQL. They are partial: a request without a
/// virtual key (or a key without a team or customer) has nothing to find it by, and an index entry for its NULL would
/// be written on every such request and never read. <c>column = value</c> implies <c>IS NOT NULL</c>, so budget
/// restores and reports still use them. Until 2026-11-23 they were full indexes under other names, dropped on open.
/// </summary>
internal static class UsageIndexes
{
    public const string Partial = """
            CREATE INDEX IF NOT EXISTS ix_usage_vk ON usage_records (virtual_key_id, time_ms) WHERE virtual_key_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_usage_team ON usage_records (team_id, time_ms) WHERE team_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_usage_customer ON usage_records (customer_id, time_ms) WHERE customer_id IS NOT NULL;
            DROP INDEX IF EXISTS ix_usage_vk_time;
            DROP INDEX IF EXISTS ix_usage_team_time;
            DROP INDEX IF EXISTS ix_usage_customer_time;
            """;
}
