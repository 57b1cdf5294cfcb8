using System.Globalization;
using System.Text;
using System.Text.Json;
using Tollgate.Api;
using Tollgate.Api.Auth;
using Tollgate.Inference;

namespace Tollgate.Audit;

/// <summary>
/// <code>
/// GET /api/audit?from=&amp;to=&amp;actor=&amp;actor_kind=&amp;action=&amp;target=&amp;outcome=&amp;before=&amp;limit=   newest first, cursor paging
/// GET /api/audit/export?format=jsonl|csv&amp;(same filters)                                     every matching entry, as a download
/// GET /api/audit/verify                                                                    walks the HMAC chain
/// </code>
/// Admins only: the log shows who changed what, including users' roles.
/// </summary>
internal static class AuditApi
{
    private const int ExportPage = 500;

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/audit").RequireAdmin(AdminRole.Admin).WithTags("Admin: audit");
        group.MapGet("/", async (HttpContext context, AuditLog audit) =>
        {
            if (ReadQuery(context.Request.Query, out var error) is not { } query)
            {
                await ErrorResponses.WriteAsync(context, error!);
                return;
            }

            var entries = audit.Store.Query(query);
            var next = entries.Count == query.Limit ? entries[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
            await context.Response.WriteAsJsonAsync(new AuditPage([.. entries.Select(AuditEntryView.From)], next), AuditJsonContext.Default.AuditPage);
        });
        group.MapGet("/export", ExportAsync);
        group.MapGet("/verify", (AuditLog audit) => Results.Json(Verify(audit), AuditJsonContext.Default.AuditVerification));
        return group;
    }

    public static AuditVerification Verify(AuditLog audit)
    {
        var head = audit.Store.Head();
        AuditEntry? previous = null;
        long count = 0;
        long? first = null;
        var after = 0L;
        while (true)
        {
            var batch = audit.Store.ReadForward(after, 1000);
            foreach (var entry in batch)
            {
                first ??= entry.Id;
                count++;
                if (audit.Chain.Check(entry, previous) is { } reason)
                {
                    return new AuditVerification(false, count, first, entry.Id, entry.Id, $"entry {entry.Id} {reason}");
                }

                previous = entry;
            }

            if (batch.Count == 0)
            {
                if (head is { } h && (previous?.Id != h.Id || previous.Hash != h.Hash))
                {
                    return new AuditVerification(false, count, first, previous?.Id, previous?.Id ?? h.Id,
                        $"the last entry is {previous?.Id.ToString(CultureInfo.InvariantCulture) ?? "missing"} but the chain ends at {h.Id}: entries at the end were removed");
                }

                return new AuditVerification(true, count, first, previous?.Id, null, null);
            }

            after = batch[^1].Id;
        }
    }

    private static async Task ExportAsync(HttpContext context, AuditLog audit)
    {
        var format = context.Request.Query["format"].ToString();
        if (format is not ("jsonl" or "csv") || ReadQuery(context.Request.Query, out var error) is not { } query)
        {
            await ErrorResponses.WriteAsync(context, new GatewayError(StatusCodes.Status400BadRequest,
                format is not ("jsonl" or "csv") ? "format must be jsonl or csv" : "invalid filter", ErrorTypes.InvalidRequest, "invalid_request"));
            return;
        }

        var response = context.Response;
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson";
        response.Headers.ContentDisposition = $"attachment; filename=\"tollgate-audit.{format}\"";
        if (format == "csv")
        {
            await response.WriteAsync("id,time,actor_kind,actor,source,action,target,status,outcome,before,after,hash\n", context.RequestAborted);
        }

        query = query with { Limit = ExportPage };
        while (true)
        {
            var page = audit.Store.Query(query);
            var text = new StringBuilder();
            foreach (var entry in page)
            {
                text.Append(format == "csv" ? CsvLine(entry) : JsonSerializer.Serialize(AuditEntryView.From(entry), AuditJsonContext.Default.AuditEntryView)).Append('\n');
            }

            await response.WriteAsync(text.ToString(), context.RequestAborted);
            if (page.Count < ExportPage)
            {
                return;
            }

            query = query with { Before = page[^1].Id };
        }
    }

    private static string CsvLine(AuditEntry e) => string.Join(',',
        e.Id.ToString(CultureInfo.InvariantCulture), Csv(e.Time.ToString("O", CultureInfo.InvariantCulture)), Csv(e.ActorKind), Csv(e.Actor), Csv(e.Source),
        Csv(e.Action), Csv(e.Target), e.Status.ToString(CultureInfo.InvariantCulture), e.Outcome, Csv(e.Before), Csv(e.After), e.Hash);

    /// <summary>RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula (CSV injection).</summary>
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static AuditQuery? ReadQuery(IQueryCollection q, out GatewayError? error)
    {
        error = null;
        DateTimeOffset? Time(string name)
        {
            if (q[name].ToString() is not { Length: > 0 } text)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }

            throw new FormatException(name);
        }

        static string? Text(IQueryCollection q, string name) => q[name].ToString() is { Length: > 0 } text ? text : null;
        try
        {
            var outcome = Text(q, "outcome");
            if (outcome is not (null or "success" or "failure"))
            {
                throw new FormatException("outcome");
            }

            return new AuditQuery
            {
                From = Time("from"),
                To = Time("to"),
                Actor = Text(q, "actor"),
                ActorKind = Text(q, "actor_kind"),
                Action = Text(q, "action"),
                Target = Text(q, "target"),
                Outcome = outcome,
                Before = Text(q, "before") is { } before ? long.Parse(before, NumberStyles.None, CultureInfo.InvariantCulture) : null,
                Limit = Text(q, "limit") is { } limit ? Math.Clamp(int.Parse(limit, NumberStyles.None, CultureInfo.InvariantCulture), 1, AuditQuery.MaxLimit) : 50,
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            error = new GatewayError(StatusCodes.Status400BadRequest, $"invalid query parameter: {ex.Message}", ErrorTypes.InvalidRequest, "invalid_request");
            return null;
        }
    }
}
