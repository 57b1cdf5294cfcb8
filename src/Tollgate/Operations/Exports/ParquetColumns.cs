using System.Globalization;
using Parquet;
using Parquet.Schema;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Operations.Exports;

/// <summary>The request log as Parquet columns: the CSV's fields, with native types (cost as an exact decimal).</summary>
internal static class ParquetColumns
{
    public static ParquetSchema Schema(bool content)
    {
        List<Field> fields =
        [
            Text("id"), Text("time"), new DataField("time_ms", typeof(long), false), Text("endpoint"), Text("path"), new DataField("stream", typeof(bool), false),
            Text("virtual_key_id"), Text("virtual_key_name"), Text("team_id"), Text("customer_id"), Text("provider"), Text("model"), Text("requested_model"),
            Text("key_name"), new DataField("status", typeof(int), false), Text("error_type"), Text("error_code"), Text("error_message"),
            new DataField("latency_ms", typeof(double), false), new DataField("ttft_ms", typeof(double), true), new DataField("upstream_ms", typeof(double), false),
            new DataField("prompt_tokens", typeof(int), false), new DataField("completion_tokens", typeof(int), false), new DataField("cached_tokens", typeof(int), false),
            new DataField("estimated", typeof(bool), false), new DecimalDataField("cost_usd", 38, 9, isNullable: true),
            new DataField("attempts", typeof(int), false), new DataField("fallbacks", typeof(int), false),
        ];
        if (content)
        {
            fields.Add(Text("request_body"));
            fields.Add(Text("response_body"));
        }

        return new ParquetSchema(fields);
    }

    public static async Task WriteRowGroupAsync(ParquetWriter writer, ParquetSchema schema, List<RequestLogEntry> rows, bool content, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        var f = schema.DataFields;
        var i = 0;
        await group.WriteAsync(f[i++], Strings(rows, e => e.Id), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)), null).ConfigureAwait(false);
        await group.WriteAsync<long>(f[i++], rows.Select(e => e.Time.ToUnixTimeMilliseconds()).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.Endpoint), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.Path), null).ConfigureAwait(false);
        await group.WriteAsync<bool>(f[i++], rows.Select(e => e.Stream).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.VirtualKeyId), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.VirtualKeyName), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.TeamId), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.CustomerId), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.Provider), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.Model), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.RequestedModel), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.KeyName), null).ConfigureAwait(false);
        await group.WriteAsync<int>(f[i++], rows.Select(e => e.Status).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.ErrorType), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.ErrorCode), null).ConfigureAwait(false);
        await group.WriteAsync(f[i++], Strings(rows, e => e.ErrorMessage), null).ConfigureAwait(false);
        await group.WriteAsync<double>(f[i++], rows.Select(e => e.LatencyMs).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<double>(f[i++], rows.Select(e => e.TtftMs).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<double>(f[i++], rows.Select(e => e.UpstreamMs).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<int>(f[i++], rows.Select(e => e.PromptTokens).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<int>(f[i++], rows.Select(e => e.CompletionTokens).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<int>(f[i++], rows.Select(e => e.CachedTokens).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<bool>(f[i++], rows.Select(e => e.Estimated).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<decimal>(f[i++], rows.Select(e => e.CostUsd).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<int>(f[i++], rows.Select(e => e.Attempts).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync<int>(f[i++], rows.Select(e => e.Fallbacks).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        if (content)
        {
            await group.WriteAsync(f[i++], Strings(rows, e => e.RequestBody), null).ConfigureAwait(false);
            await group.WriteAsync(f[i], Strings(rows, e => e.ResponseBody), null).ConfigureAwait(false);
        }
    }

    private static DataField Text(string name) => new(name, typeof(string), true);

    private static string[] Strings(List<RequestLogEntry> rows, Func<RequestLogEntry, string?> value) => [.. rows.Select(e => value(e)!)];
}
