namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// An index for each selective filter, each ending in the list's order (time, then seq), so a filtered page is an index
/// range read backwards and stops after <c>limit + 1</c> rows, whatever the table's size. SQLite appends the rowid (seq)
/// to every index by itself; PostgreSQL needs it spelled out. The errors index is partial: errors are a few percent of
/// rows, and <c>status=error</c> is the filter people use most; an error type or a status code of 400 and above is
/// read through it too (<see cref="RequestLogSql"/> adds the literal <c>status &gt;= 400</c>).
/// </summary>
/// <remarks>
/// Every index is paid on every request served: at saturation the log's batch writes took a fifth of the gateway's CPU.
/// The virtual key, team and customer indexes are partial (<c>IS NOT NULL</c>, implied by <c>column = value</c>), so a
/// request without them writes no entry there.
/// Filters that match many rows (provider, key name, <c>stream</c>, <c>min_latency_ms</c>, <c>status=ok</c>, a 2xx code)
/// have none: walking the time index and skipping the rest finds a page quickly. Their indexes, and full versions of
/// the owner indexes, existed until 2026-11-23 and are dropped on open.
/// </remarks>
internal static class RequestLogIndexes
{
    // Indexes of earlier versions, the same names on both stores.
    private const string DropRetired = """
        DROP INDEX IF EXISTS ix_request_logs_provider;
        DROP INDEX IF EXISTS ix_request_logs_status;
        DROP INDEX IF EXISTS ix_request_logs_key;
        DROP INDEX IF EXISTS ix_request_logs_error_type;
        DROP INDEX IF EXISTS ix_request_logs_customer;
        DROP INDEX IF EXISTS ix_request_logs_team;
        DROP INDEX IF EXISTS ix_request_logs_vk;
        """;

    public const string Sqlite = """
        CREATE INDEX IF NOT EXISTS ix_request_logs_time ON request_logs (time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_id ON request_logs (id);
        CREATE INDEX IF NOT EXISTS ix_request_logs_by_vk ON request_logs (virtual_key_id, time_ms) WHERE virtual_key_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_logs_model ON request_logs (model, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_by_team ON request_logs (team_id, time_ms) WHERE team_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_logs_by_customer ON request_logs (customer_id, time_ms) WHERE customer_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_logs_errors ON request_logs (time_ms) WHERE status >= 400;
        CREATE INDEX IF NOT EXISTS ix_request_log_content_id ON request_log_content (id);
        CREATE INDEX IF NOT EXISTS ix_request_log_content_time ON request_log_content (time_ms);
        """ + DropRetired;

    public const string Postgres = """
        CREATE INDEX IF NOT EXISTS ix_request_logs_time ON request_logs (time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_id ON request_logs (id);
        CREATE INDEX IF NOT EXISTS ix_request_logs_by_vk ON request_logs (virtual_key_id, time_ms, seq) WHERE virtual_key_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_logs_model ON request_logs (model, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_by_team ON request_logs (team_id, time_ms, seq) WHERE team_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_logs_by_customer ON request_logs (customer_id, time_ms, seq) WHERE customer_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_logs_errors ON request_logs (time_ms, seq) WHERE status >= 400;
        CREATE INDEX IF NOT EXISTS ix_request_log_content_id ON request_log_content (id);
        CREATE INDEX IF NOT EXISTS ix_request_log_content_time ON request_log_content (time_ms);
        """ + DropRetired;
}
