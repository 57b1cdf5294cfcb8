namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// The rollup tables, the same shape on both stores. <c>request_log_rollup_state</c> holds the backfill's range: rows
/// up to <c>through_seq</c> existed before the rollup did (the first start of this version) and are rolled up in chunks
/// by <see cref="RequestLogRollupBackfill"/>; <c>done_seq</c> is its checkpoint. Rows after <c>through_seq</c> are
/// rolled up by the writer in their own batch's transaction, so no row is counted twice or missed, and until the
/// backfill ends the stats read the rows. <c>request_log_stats_hours</c> came later (2026-12-03): a store that had the
/// other rollup tables but not this one starts the rollup over (<see cref="ResetForNewTable"/>), so all three agree.
/// </summary>
internal static class RequestLogRollupSql
{
    public const string HourColumns = "requests, attempted, errors, prompt_tokens, completion_tokens, cached_tokens, cost_nano, estimated";

    public const string MinuteColumns = "requests, errors, prompt_tokens, completion_tokens, cost_nano, latency_sum, latency_max, ttft_sum, ttft_count, histogram";

    public const string StatsHoursTable = "request_log_stats_hours";

    public static string Ddl(string integer, string real, string text, string blob, string keyedTable = "") => $"""
        CREATE TABLE IF NOT EXISTS request_log_minutes (
            minute_ms {integer} PRIMARY KEY,
            requests {integer} NOT NULL DEFAULT 0,
            errors {integer} NOT NULL DEFAULT 0,
            prompt_tokens {integer} NOT NULL DEFAULT 0,
            completion_tokens {integer} NOT NULL DEFAULT 0,
            cost_nano {integer} NOT NULL DEFAULT 0,
            latency_sum {real} NOT NULL DEFAULT 0,
            latency_max {real} NOT NULL DEFAULT 0,
            ttft_sum {real} NOT NULL DEFAULT 0,
            ttft_count {integer} NOT NULL DEFAULT 0,
            histogram {blob}
        );
        CREATE TABLE IF NOT EXISTS request_log_hours (
            dim {integer} NOT NULL,
            hour_ms {integer} NOT NULL,
            k1 {text} NOT NULL,
            k2 {text} NOT NULL,
            requests {integer} NOT NULL,
            attempted {integer} NOT NULL,
            errors {integer} NOT NULL,
            prompt_tokens {integer} NOT NULL,
            completion_tokens {integer} NOT NULL,
            cached_tokens {integer} NOT NULL,
            cost_nano {integer} NOT NULL,
            estimated {integer} NOT NULL,
            PRIMARY KEY (dim, hour_ms, k1, k2)
        ){keyedTable};
        CREATE TABLE IF NOT EXISTS request_log_stats_hours (
            dim {integer} NOT NULL,
            k1 {text} NOT NULL,
            hour_ms {integer} NOT NULL,
            provider {text} NOT NULL,
            model {text} NOT NULL,
            requests {integer} NOT NULL DEFAULT 0,
            errors {integer} NOT NULL DEFAULT 0,
            prompt_tokens {integer} NOT NULL DEFAULT 0,
            completion_tokens {integer} NOT NULL DEFAULT 0,
            cost_nano {integer} NOT NULL DEFAULT 0,
            latency_sum {real} NOT NULL DEFAULT 0,
            latency_max {real} NOT NULL DEFAULT 0,
            ttft_sum {real} NOT NULL DEFAULT 0,
            ttft_count {integer} NOT NULL DEFAULT 0,
            histogram {blob},
            PRIMARY KEY (dim, k1, hour_ms, provider, model)
        ){keyedTable};
        CREATE INDEX IF NOT EXISTS ix_request_log_stats_hours_hour ON request_log_stats_hours (hour_ms);
        CREATE TABLE IF NOT EXISTS request_log_rollup_state (
            id {integer} PRIMARY KEY,
            through_seq {integer} NOT NULL,
            done_seq {integer} NOT NULL
        );
        INSERT INTO request_log_rollup_state (id, through_seq, done_seq)
            SELECT 1, COALESCE(MAX(seq), 0), 0 FROM request_logs WHERE true
            ON CONFLICT (id) DO NOTHING;
        """;

    /// <summary>Adds a batch's hourly sums to the stored ones (the same text on both stores).</summary>
    public const string HourUpsertTail = """
         ON CONFLICT (dim, hour_ms, k1, k2) DO UPDATE SET
            requests = request_log_hours.requests + excluded.requests,
            attempted = request_log_hours.attempted + excluded.attempted,
            errors = request_log_hours.errors + excluded.errors,
            prompt_tokens = request_log_hours.prompt_tokens + excluded.prompt_tokens,
            completion_tokens = request_log_hours.completion_tokens + excluded.completion_tokens,
            cached_tokens = request_log_hours.cached_tokens + excluded.cached_tokens,
            cost_nano = request_log_hours.cost_nano + excluded.cost_nano,
            estimated = request_log_hours.estimated + excluded.estimated
        """;

    /// <summary>
    /// Run in one transaction right after <c>request_log_stats_hours</c> was created beside older rollup tables: every row
    /// so far is rolled up again by the backfill, and until then the stats read the rows.
    /// </summary>
    public const string ResetForNewTable = """
        DELETE FROM request_log_minutes;
        DELETE FROM request_log_hours;
        DELETE FROM request_log_stats_hours;
        UPDATE request_log_rollup_state SET through_seq = COALESCE((SELECT MAX(seq) FROM request_logs), 0), done_seq = 0 WHERE id = 1;
        """;

    /// <summary>
    /// PostgreSQL, before <see cref="Ddl"/> in the migration's transaction: the reset when the table is about to be new.
    /// The table lock waits for writers mid-batch and holds new ones until the migration commits, so no batch's rollup
    /// falls between the reset and the new checkpoint.
    /// </summary>
    public const string PostgresResetBeforeNewTable = $$"""
        DO $reset$ BEGIN
            IF to_regclass('{{StatsHoursTable}}') IS NULL AND to_regclass('request_log_rollup_state') IS NOT NULL THEN
                LOCK TABLE request_logs IN SHARE ROW EXCLUSIVE MODE;
                DELETE FROM request_log_minutes;
                DELETE FROM request_log_hours;
                UPDATE request_log_rollup_state SET through_seq = COALESCE((SELECT MAX(seq) FROM request_logs), 0), done_seq = 0 WHERE id = 1;
            END IF;
        END $reset$;
        """;

    public const string StatsHourKeyColumns = "dim, k1, hour_ms, provider, model";

    /// <summary>The stats hours' values, in <see cref="MinuteColumns"/>' order (the same shape as a minute).</summary>
    public const string SelectStatsHours = "SELECT " + StatsHourKeyColumns + ", " + MinuteColumns + " FROM request_log_stats_hours";

    public const string UpdateStatsHour = """
        UPDATE request_log_stats_hours SET requests = @requests, errors = @errors, prompt_tokens = @prompt, completion_tokens = @completion,
            cost_nano = @cost, latency_sum = @latency_sum, latency_max = @latency_max, ttft_sum = @ttft_sum, ttft_count = @ttft_count,
            histogram = @histogram
        WHERE dim = @dim AND k1 = @k1 AND hour_ms = @hour AND provider = @provider AND model = @model
        """;

    public const string SelectMinutes = "SELECT minute_ms, " + MinuteColumns + " FROM request_log_minutes";

    public const string UpdateMinute = """
        UPDATE request_log_minutes SET requests = @requests, errors = @errors, prompt_tokens = @prompt, completion_tokens = @completion,
            cost_nano = @cost, latency_sum = @latency_sum, latency_max = @latency_max, ttft_sum = @ttft_sum, ttft_count = @ttft_count,
            histogram = @histogram
        WHERE minute_ms = @minute
        """;

    /// <summary>Retention: rollup rows wholly before the cutoff (their rows are being deleted).</summary>
    public const string DeleteMinutes = "DELETE FROM request_log_minutes WHERE minute_ms < @minute_cutoff";

    public const string DeleteHours = "DELETE FROM request_log_hours WHERE hour_ms < @hour_cutoff; DELETE FROM request_log_stats_hours WHERE hour_ms < @hour_cutoff";

    public const string SelectState = "SELECT through_seq, done_seq FROM request_log_rollup_state WHERE id = 1";
}
