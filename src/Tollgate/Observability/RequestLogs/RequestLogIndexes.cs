namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// One index per filter, each ending in the list's order (time, then seq), so a filtered page is an index range read
/// backwards and stops after <c>limit + 1</c> rows, whatever the table's size. SQLite appends the rowid (seq) to every
/// index by itself; PostgreSQL needs it spelled out. Filters without an index (<c>stream</c>, <c>min_latency_ms</c>,
/// <c>status=ok</c>) match most rows, so walking the time index and skipping the rest finds a page quickly.
/// The errors index is partial: errors are a few percent of rows, and <c>status=error</c> is the filter people use most.
/// </summary>
internal static class RequestLogIndexes
{
    public const string Sqlite = """
        CREATE INDEX IF NOT EXISTS ix_request_logs_time ON request_logs (time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_id ON request_logs (id);
        CREATE INDEX IF NOT EXISTS ix_request_logs_vk ON request_logs (virtual_key_id, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_model ON request_logs (model, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_provider ON request_logs (provider, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_status ON request_logs (status, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_team ON request_logs (team_id, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_customer ON request_logs (customer_id, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_key ON request_logs (key_name, time_ms);
        CREATE INDEX IF NOT EXISTS ix_request_logs_errors ON request_logs (time_ms) WHERE status >= 400;
        CREATE INDEX IF NOT EXISTS ix_request_logs_error_type ON request_logs (error_type, time_ms) WHERE error_type IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_log_content_id ON request_log_content (id);
        CREATE INDEX IF NOT EXISTS ix_request_log_content_time ON request_log_content (time_ms);
        """;

    public const string Postgres = """
        CREATE INDEX IF NOT EXISTS ix_request_logs_time ON request_logs (time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_id ON request_logs (id);
        CREATE INDEX IF NOT EXISTS ix_request_logs_vk ON request_logs (virtual_key_id, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_model ON request_logs (model, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_provider ON request_logs (provider, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_status ON request_logs (status, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_team ON request_logs (team_id, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_customer ON request_logs (customer_id, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_key ON request_logs (key_name, time_ms, seq);
        CREATE INDEX IF NOT EXISTS ix_request_logs_errors ON request_logs (time_ms, seq) WHERE status >= 400;
        CREATE INDEX IF NOT EXISTS ix_request_logs_error_type ON request_logs (error_type, time_ms, seq) WHERE error_type IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_request_log_content_id ON request_log_content (id);
        CREATE INDEX IF NOT EXISTS ix_request_log_content_time ON request_log_content (time_ms);
        """;
}
