using System.Globalization;
using System.Text;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// CSV rows for the export: RFC 4180 (quotes doubled, fields with a comma, quote or line break quoted, CRLF lines),
/// and safe to open in a spreadsheet: a text cell starting with <c>= + - @</c> (or a tab or CR) gets a leading
/// <c>'</c>, so an error message a client controls cannot run as a formula (OWASP "CSV injection").
/// </summary>
internal static class RequestLogCsv
{
    public const string Header =
        "id,time,endpoint,path,stream,virtual_key_id,virtual_key_name,team_id,customer_id,provider,model,requested_model," +
        "key_name,status,error_type,error_code,error_message,latency_ms,ttft_ms,upstream_ms,overhead_ms,prompt_tokens," +
        "completion_tokens,cached_tokens,estimated,cost_usd,attempts,fallbacks\r\n";

    public static void AppendRow(StringBuilder line, RequestLogEntry entry)
    {
        Text(line, entry.Id).Append(',');
        line.Append(entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(',');
        Text(line, entry.Endpoint).Append(',');
        Text(line, entry.Path).Append(',');
        line.Append(entry.Stream ? "true" : "false").Append(',');
        Text(line, entry.VirtualKeyId).Append(',');
        Text(line, entry.VirtualKeyName).Append(',');
        Text(line, entry.TeamId).Append(',');
        Text(line, entry.CustomerId).Append(',');
        Text(line, entry.Provider).Append(',');
        Text(line, entry.Model).Append(',');
        Text(line, entry.RequestedModel).Append(',');
        Text(line, entry.KeyName).Append(',');
        line.Append(entry.Status.ToString(CultureInfo.InvariantCulture)).Append(',');
        Text(line, entry.ErrorType).Append(',');
        Text(line, entry.ErrorCode).Append(',');
        Text(line, entry.ErrorMessage).Append(',');
        Number(line, entry.LatencyMs).Append(',');
        if (entry.TtftMs is { } ttft)
        {
            Number(line, ttft);
        }

        line.Append(',');
        Number(line, entry.UpstreamMs).Append(',');
        Number(line, entry.OverheadMs).Append(',');
        line.Append(entry.PromptTokens.ToString(CultureInfo.InvariantCulture)).Append(',');
        line.Append(entry.CompletionTokens.ToString(CultureInfo.InvariantCulture)).Append(',');
        line.Append(entry.CachedTokens.ToString(CultureInfo.InvariantCulture)).Append(',');
        line.Append(entry.Estimated ? "true" : "false").Append(',');
        if (entry.CostUsd is { } cost)
        {
            line.Append(cost.ToString(CultureInfo.InvariantCulture));
        }

        line.Append(',');
        line.Append(entry.Attempts.ToString(CultureInfo.InvariantCulture)).Append(',');
        line.Append(entry.Fallbacks.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
    }

    /// <summary>The header with the two content columns at the end (exports that ask for content).</summary>
    public static readonly string HeaderWithContent = Header[..^2] + ",request_body,response_body\r\n";

    /// <summary>A row with the content columns (<see cref="HeaderWithContent"/>).</summary>
    public static void AppendRowWithContent(StringBuilder line, RequestLogEntry entry)
    {
        AppendRow(line, entry);
        line.Length -= 2;
        line.Append(',');
        Text(line, entry.RequestBody).Append(',');
        Text(line, entry.ResponseBody).Append("\r\n");
    }

    /// <summary>One text cell, neutralised and quoted as needed; null is an empty cell.</summary>
    public static StringBuilder Text(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return line;
        }

        var guard = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = guard || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote)
        {
            return line.Append(value);
        }

        line.Append('"');
        if (guard)
        {
            line.Append('\'');
        }

        line.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return line.Append('"');
    }

    private static StringBuilder Number(StringBuilder line, double value) => line.Append(value.ToString("0.###", CultureInfo.InvariantCulture));
}
