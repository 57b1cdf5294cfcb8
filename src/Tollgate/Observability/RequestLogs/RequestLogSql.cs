using System.Data.Common;
using System.Text;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// SQL both backends share: SQLite and PostgreSQL accept the same <c>@name</c> parameters, row layout and aggregate
/// syntax here, so only the DDL and the insert path differ per backend.
/// </summary>
internal static class RequestLogSql
{
    /// <summary>The scalar columns after <c>seq</c>, in <see cref="ReadEntry"/>'s order; also the insert's column list.</summary>
    public const string Columns =
        "id, time_ms, endpoint, path, stream, virtual_key_id, virtual_key_name, team_id, customer_id, provider, model, " +
        "requested_model, key_name, status, error_type, error_code, error_message, latency_ms, ttft_ms, upstream_ms, " +
        "prompt_tokens, completion_tokens, cached_tokens, estimated, cost_nano, attempts, fallbacks, cache, cache_saved_nano";

    public const int ColumnCount = 29;

    public const string Select = "SELECT seq, " + Columns + " FROM request_logs";

    public const string OrderNewestFirst = " ORDER BY time_ms DESC, seq DESC";

    /// <summary>Adds the filter's WHERE clause (or nothing) and its parameters to <paramref name="command"/>.</summary>
    public static void AppendWhere(StringBuilder sql, DbCommand command, RequestLogFilter filter, RequestLogCursor? after = null)
    {
        var first = true;
        void And(string condition)
        {
            sql.Append(first ? " WHERE " : " AND ").Append(condition);
            first = false;
        }

        if (filter.From is { } from)
        {
            And("time_ms >= @from");
            Add(command, "@from", from.ToUnixTimeMilliseconds());
        }

        if (filter.To is { } to)
        {
            And("time_ms < @to");
            Add(command, "@to", to.ToUnixTimeMilliseconds());
        }

        if (after is { } cursor)
        {
            // The first term bounds the index range; the second breaks ties within the cursor's millisecond.
            And("time_ms <= @cursor_time AND (time_ms < @cursor_time OR seq < @cursor_seq)");
            Add(command, "@cursor_time", cursor.TimeMs);
            Add(command, "@cursor_seq", cursor.Seq);
        }

        Equal("provider", filter.Provider);
        Equal("model", filter.Model);
        Equal("virtual_key_id", filter.VirtualKeyId);
        Equal("team_id", filter.TeamId);
        Equal("customer_id", filter.CustomerId);
        Equal("key_name", filter.KeyName);
        Equal("error_type", filter.ErrorType);
        if (filter.ErrorType is not null && filter.Status != RequestLogStatusFilter.Error)
        {
            // Only errors have a type; saying so lets the planner use the partial errors index.
            And("status >= 400");
        }
        switch (filter.Status)
        {
            case RequestLogStatusFilter.Ok:
                // Unary plus keeps SQLite off the status index: 97% of rows are ok, so walking the time index and
                // skipping the few errors beats collecting every ok row and sorting it.
                And("+status < 400");
                break;
            case RequestLogStatusFilter.Error:
                // A literal, not a parameter: the partial index ix_request_logs_errors is usable only when the query
                // implies its WHERE clause, and the planner can prove that for a literal only.
                And("status >= 400");
                break;
            case RequestLogStatusFilter.Code:
                And(filter.StatusCode >= 400 ? "status = @status AND status >= 400" : "status = @status");
                Add(command, "@status", filter.StatusCode);
                break;
        }

        if (filter.Stream is { } stream)
        {
            And("stream = @stream");
            Add(command, "@stream", stream);
        }

        if (filter.MinLatencyMs is { } minLatency)
        {
            And("latency_ms >= @min_latency");
            Add(command, "@min_latency", minLatency);
        }

        if (filter.IdPrefix is { Length: > 0 } prefix)
        {
            // A range rather than LIKE: SQLite's LIKE is case-insensitive and cannot use a binary index.
            And("id >= @id_low AND id < @id_high");
            Add(command, "@id_low", prefix);
            Add(command, "@id_high", prefix + char.MaxValue);
        }

        void Equal(string column, string? value)
        {
            if (value is not null)
            {
                And($"{column} = @{column}");
                Add(command, "@" + column, value);
            }
        }
    }

    public static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public static long ReadSeq(DbDataReader reader) => reader.GetInt64(0);

    /// <summary>Reads a row of <see cref="Select"/> (seq first).</summary>
    public static RequestLogEntry ReadEntry(DbDataReader reader, string? requestBody = null, string? responseBody = null) => new()
    {
        Id = reader.GetString(1),
        Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        Endpoint = reader.GetString(3),
        Path = reader.GetString(4),
        Stream = reader.GetBoolean(5),
        VirtualKeyId = NullableString(reader, 6),
        VirtualKeyName = NullableString(reader, 7),
        TeamId = NullableString(reader, 8),
        CustomerId = NullableString(reader, 9),
        Provider = NullableString(reader, 10),
        Model = NullableString(reader, 11),
        RequestedModel = NullableString(reader, 12),
        KeyName = NullableString(reader, 13),
        Status = reader.GetInt32(14),
        ErrorType = NullableString(reader, 15),
        ErrorCode = NullableString(reader, 16),
        ErrorMessage = NullableString(reader, 17),
        LatencyMs = reader.GetDouble(18),
        TtftMs = reader.IsDBNull(19) ? null : reader.GetDouble(19),
        UpstreamMs = reader.GetDouble(20),
        PromptTokens = reader.GetInt32(21),
        CompletionTokens = reader.GetInt32(22),
        CachedTokens = reader.GetInt32(23),
        Estimated = reader.GetBoolean(24),
        CostNano = reader.IsDBNull(25) ? null : reader.GetInt64(25),
        Attempts = reader.GetInt32(26),
        Fallbacks = reader.GetInt32(27),
        Cache = NullableString(reader, 28),
        CacheSavedNano = reader.IsDBNull(29) ? null : reader.GetInt64(29),
        RequestBody = requestBody,
        ResponseBody = responseBody,
    };

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
