using Tollgate.Api;
using Tollgate.Inference;

namespace Tollgate.Operations.Alerts;

/// <summary>
/// <c>/api/alerts</c>: the file's channels (masked) and rules, what is firing, the history, and a test send per channel.
/// Channels and rules live in the config file (<c>alerts</c>), so the API reads them and does not edit them.
/// </summary>
internal static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/alerts").RequireAdmin().WithTags("Admin: alerts");
        group.MapGet("/", (AlertEngine engine) => Results.Json(View(engine), AlertsJsonContext.Output.AlertsView));
        group.MapGet("/history", async (HttpContext context, AlertHistory history) =>
        {
            var query = context.Request.Query;
            var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 1000) : 100;
            var rule = query["rule_id"].ToString() is { Length: > 0 } r ? r : null;
            var events = await history.ListAsync(limit, rule, context.RequestAborted).ConfigureAwait(false);
            await Results.Json(new AlertHistoryView(events), AlertsJsonContext.Output.AlertHistoryView).ExecuteAsync(context).ConfigureAwait(false);
        });
        group.MapPost("/channels/{id}/test", async (HttpContext context, string id, AlertEngine engine) =>
        {
            var delivery = await engine.TestAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (delivery is null)
            {
                await ErrorResponses.WriteAsync(context, new GatewayError(StatusCodes.Status404NotFound, $"No alert channel with id '{id}'.", ErrorTypes.NotFound, "not_found"))
                    .ConfigureAwait(false);
                return;
            }

            if (!delivery.Ok)
            {
                await ErrorResponses.WriteAsync(context, new GatewayError(StatusCodes.Status502BadGateway,
                    $"The test notice to channel '{id}' failed after {delivery.Attempts} attempt(s): {delivery.Detail}", ErrorTypes.Upstream, "alert_delivery_failed"))
                    .ConfigureAwait(false);
                return;
            }

            await Results.Json(new AlertTestView(true, delivery.Attempts, delivery.Detail), AlertsJsonContext.Output.AlertTestView).ExecuteAsync(context).ConfigureAwait(false);
        });
        return group;
    }

    private static AlertsView View(AlertEngine engine)
    {
        var config = engine.Config;
        return new AlertsView((int)config.EvaluationInterval.TotalSeconds,
            [.. config.Channels.Select(c => new AlertChannelView(c.Id, AlertsConfigReader.TypeName(c.Type), Target(c), c.Secret is { Length: > 0 }))],
            [.. config.Rules.Select(r => new AlertRuleView(r.Id, AlertsConfigReader.TypeName(r.Type), r.Channels, r.Severity, r.BudgetId, r.Thresholds, r.Threshold,
                (int)r.Window.TotalSeconds, (int)r.Cooldown.TotalSeconds, r.MinRequests, r.Provider, r.Model, r.VirtualKeyId, r.KeyName))],
            engine.ActiveAlerts);
    }

    /// <summary>Scheme and host only: the path and query of a Slack, Teams or webhook URL are often the credential.</summary>
    private static string Target(AlertChannelConfig channel)
    {
        if (channel.Type == AlertChannelType.Email)
        {
            return $"smtp://{channel.SmtpHost}:{channel.SmtpPort} → {string.Join(", ", channel.To)}";
        }

        return Uri.TryCreate(channel.Url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "…";
    }
}
