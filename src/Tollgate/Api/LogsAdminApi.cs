using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Api;

/// <summary>
/// Admin API for the request log: <c>GET /api/logs</c> (keyset pages), <c>/api/logs/{id}</c> (with content),
/// <c>/api/logs/export</c> (CSV or JSON Lines, streamed) and <c>/api/logs/stats</c> (dashboard aggregates). A team-scoped
/// caller gets its team's entries only: the filter is pinned to the team (asking for another team is 403 <c>team_scope</c>)
/// and another team's entry by id is 404.
/// </summary>
internal static class LogsAdminApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxExportRows = 1_000_000;

    /// <summary>The most buckets an explicit <c>interval_seconds</c> may produce; the default interval gives at most 300.</summary>
    public const int MaxBuckets = 5_000;

    /// <summary>Intervals the default picks from: the smallest that gives at most 300 buckets for the range.</summary>
    private static readonly int[] NiceIntervals = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400];
    private const int TargetBuckets = 300;

    private static readonly FrozenSet<string> ListParameters = FrozenSet.Create(StringComparer.Ordinal, "limit", "cursor");
    private static readonly FrozenSet<string> ExportParameters = FrozenSet.Create(StringComparer.Ordinal, "format", "limit");
    private static readonly FrozenSet<string> StatsParameters = FrozenSet.Create(StringComparer.Ordinal, "interval_seconds");

    public static RouteGroupBuilder MapLogsAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/logs").RequireAdmin().AllowTeamScope().WithTags("Admin: request log");
        group.MapGet("/", ListAsync);
        group.MapGet("/export", ExportAsync);
        group.MapGet("/stats", StatsAsync);
        group.MapGet("/{id}", GetAsync);
        return group;
    }

    private static async Task ListAsync(HttpContext context, IRequestLogStore store)
    {
        var query = context.Request.Query;
        var limitError = RequestLogQuery.TryInt(query, "limit", 1, MaxLimit, DefaultLimit, out var limit);
        var error = RequestLogQuery.TryParse(query, ListParameters, out var filter) ?? limitError ?? PinToTeam(context, ref filter);
        RequestLogCursor? cursor = null;
        if (error is null && RequestLogQuery.Value(query, "cursor") is { } cursorText)
        {
            if (RequestLogCursor.TryDecode(cursorText, out var decoded))
            {
                cursor = decoded;
            }
            else
            {
                error = RequestLogQuery.Bad("cursor", "cursor is not one this API returned (use next_cursor from the previous page).");
            }
        }

        if (error is not null)
        {
            await ErrorResponses.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        var page = await store.ListAsync(filter, cursor, limit, context.RequestAborted).ConfigureAwait(false);
        var view = new RequestLogPageView([.. page.Entries.Select(RequestLogView.From)], page.Next?.Encode());
        await Results.Json(view, RequestLogJsonContext.Output.RequestLogPageView).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext context, string id, IRequestLogStore store)
    {
        var entry = await store.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (entry is null || (GovernanceTeamScope.TeamOf(context) is { } team && entry.TeamId != team))
        {
            await ErrorResponses.WriteAsync(context, new GatewayError(StatusCodes.Status404NotFound,
                $"No request log entry with id '{id}'.", ErrorTypes.NotFound, "not_found")).ConfigureAwait(false);
            return;
        }

        await Results.Json(RequestLogDetailView.From(entry), RequestLogJsonContext.Output.RequestLogDetailView).ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>Narrows a team-scoped caller's filter to its team; a filter naming another team is refused, not emptied.</summary>
    private static GatewayError? PinToTeam(HttpContext context, ref RequestLogFilter filter)
    {
        if (GovernanceTeamScope.TeamOf(context) is not { } team)
        {
            return null;
        }

        if (filter.TeamId is not null && filter.TeamId != team)
        {
            return Auth.AuthErrors.OutsideTeamScope(team);
        }

        filter = filter with { TeamId = team };
        return null;
    }

    private static async Task ExportAsync(HttpContext context, IRequestLogStore store, TimeProvider time)
    {
        var query = context.Request.Query;
        var limitError = RequestLogQuery.TryInt(query, "limit", 1, MaxExportRows, MaxExportRows, out var limit);
        var error = RequestLogQuery.TryParse(query, ExportParameters, out var filter) ?? limitError ?? PinToTeam(context, ref filter);
        var format = RequestLogQuery.Value(query, "format") ?? "jsonl";
        if (error is null && format is not ("jsonl" or "csv"))
        {
            error = RequestLogQuery.Bad("format", "format must be jsonl or csv.");
        }

        if (error is not null)
        {
            await ErrorResponses.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        var csv = format == "csv";
        response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"tollgate-logs-{time.GetUtcNow():yyyyMMdd-HHmmss}.{format}\"";
        var rows = store.ExportAsync(filter, limit, context.RequestAborted);
        if (csv)
        {
            await WriteCsvAsync(response, rows, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            await WriteJsonLinesAsync(response, rows, context.RequestAborted).ConfigureAwait(false);
        }
    }

    // Rows are written as the database returns them and flushed in chunks: memory stays flat however large the export.
    private const int RowsPerFlush = 256;

    private static async Task WriteCsvAsync(HttpResponse response, IAsyncEnumerable<RequestLogEntry> rows, CancellationToken cancellationToken)
    {
        var output = response.BodyWriter;
        var line = new StringBuilder(RequestLogCsv.Header, 1024);
        var count = 0;
        await foreach (var entry in rows.ConfigureAwait(false))
        {
            RequestLogCsv.AppendRow(line, entry);
            if (++count % RowsPerFlush == 0)
            {
                await FlushAsync(output, line, cancellationToken).ConfigureAwait(false);
            }
        }

        await FlushAsync(output, line, cancellationToken).ConfigureAwait(false);
    }

    private static async Task FlushAsync(System.IO.Pipelines.PipeWriter output, StringBuilder text, CancellationToken cancellationToken)
    {
        foreach (var chunk in text.GetChunks())
        {
            Encoding.UTF8.GetBytes(chunk.Span, output);
        }

        text.Clear();
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteJsonLinesAsync(HttpResponse response, IAsyncEnumerable<RequestLogEntry> rows, CancellationToken cancellationToken)
    {
        var output = response.BodyWriter;
        var type = RequestLogJsonContext.Output.RequestLogView;
        using var writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions);
        var count = 0;
        await foreach (var entry in rows.ConfigureAwait(false))
        {
            JsonSerializer.Serialize(writer, RequestLogView.From(entry), type);
            writer.Flush();
            // One JSON value per line; Reset lets the same writer start the next top-level value.
            writer.Reset();
            output.Write("\n"u8);
            if (++count % RowsPerFlush == 0)
            {
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task StatsAsync(HttpContext context, IRequestLogStore store, TimeProvider time)
    {
        var query = context.Request.Query;
        var error = RequestLogQuery.TryParse(query, StatsParameters, out var filter) ?? PinToTeam(context, ref filter);
        var to = filter.To ?? time.GetUtcNow();
        var from = filter.From ?? to.AddDays(-1);
        if (error is null && from >= to)
        {
            error = RequestLogQuery.Bad(filter.From is null ? "to" : "from", "from must be earlier than to.");
        }

        var rangeSeconds = (long)Math.Ceiling((to - from).TotalSeconds);
        var interval = NiceIntervals.FirstOrDefault(i => rangeSeconds / i <= TargetBuckets, NiceIntervals[^1]);
        if (error is null && RequestLogQuery.Value(query, "interval_seconds") is not null)
        {
            error = RequestLogQuery.TryInt(query, "interval_seconds", 1, 366 * 86400, interval, out interval);
            if (error is null && rangeSeconds / interval > MaxBuckets)
            {
                error = RequestLogQuery.Bad("interval_seconds", $"interval_seconds gives more than {MaxBuckets} buckets for this range; choose a larger one.");
            }
        }

        if (error is not null)
        {
            await ErrorResponses.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        var stats = await store.StatsAsync(filter, from, to, interval, context.RequestAborted).ConfigureAwait(false);
        await Results.Json(stats, RequestLogJsonContext.Output.RequestLogStats).ExecuteAsync(context).ConfigureAwait(false);
    }
}
