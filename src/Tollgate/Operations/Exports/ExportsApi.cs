using Tollgate.Api;
using Tollgate.Inference;

namespace Tollgate.Operations.Exports;

/// <summary>
/// <c>/api/exports</c>: the file's destinations (without keys) and schedules with their last run, the run history, and
/// <c>POST /api/exports/{id}/run</c>, which exports the schedule's due windows now (the same exactly-once path as the
/// scheduler; a window that has not closed yet is never exported early).
/// </summary>
internal static class ExportsApi
{
    public static RouteGroupBuilder MapExportsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/exports").RequireAdmin().WithTags("Admin: exports");
        group.MapGet("/", async (HttpContext context, ExportRunner runner, ExportRunStore runs, TimeProvider time) =>
        {
            var config = runner.Config;
            var recent = await runs.ListAsync(null, 1000, context.RequestAborted).ConfigureAwait(false);
            var view = new ExportsView(
                [.. config.Destinations.Select(d => new ExportDestinationView(d.Id, ExportsConfigReader.Name(d.Type),
                    d.Type == ExportDestinationType.S3 ? $"s3://{d.Bucket}/{d.Prefix}" : Path.Combine(d.Path!, d.Prefix)))],
                [.. config.Schedules.Select(s => new ExportScheduleView(s.Id, s.Destination, ExportsConfigReader.Name(s.Format), s.CronText, s.Gzip, s.IncludeContent,
                    (int)s.Delay.TotalSeconds, s.Cron.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc), recent.FirstOrDefault(r => r.ScheduleId == s.Id)))]);
            await Results.Json(view, ExportsJsonContext.Output.ExportsView).ExecuteAsync(context).ConfigureAwait(false);
        });
        group.MapGet("/runs", async (HttpContext context, ExportRunStore runs) =>
        {
            var query = context.Request.Query;
            var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 1000) : 100;
            var schedule = query["schedule_id"].ToString() is { Length: > 0 } s ? s : null;
            var list = await runs.ListAsync(schedule, limit, context.RequestAborted).ConfigureAwait(false);
            await Results.Json(new ExportRunsView(list), ExportsJsonContext.Output.ExportRunsView).ExecuteAsync(context).ConfigureAwait(false);
        });
        group.MapPost("/{id}/run", async (HttpContext context, string id, ExportRunner runner) =>
        {
            var runs = await runner.RunAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (runs is null)
            {
                await ErrorResponses.WriteAsync(context, new GatewayError(StatusCodes.Status404NotFound, $"No export schedule with id '{id}'.", ErrorTypes.NotFound, "not_found"))
                    .ConfigureAwait(false);
                return;
            }

            await Results.Json(new ExportRunsView(runs), ExportsJsonContext.Output.ExportRunsView).ExecuteAsync(context).ConfigureAwait(false);
        });
        return group;
    }
}
