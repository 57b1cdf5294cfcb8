using System.Globalization;
using Tollgate.Configuration;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Operations.Alerts;

/// <summary>
/// Rules measured from the request log over their window (<c>now - window</c> to now), filtered by the rule's provider,
/// model, virtual key and key name. Every filtered stats query reads the rows through an index, so a 5-minute window
/// costs milliseconds whatever the log's size.
/// </summary>
internal sealed class RequestLogSignal(IRequestLogStore store, RequestLogWriter writer, GatewayConfigMonitor config) : IAlertSignal
{
    public bool Handles(AlertRuleType type) => type is AlertRuleType.ErrorRate or AlertRuleType.LatencyP95 or AlertRuleType.RateLimitRejections
        or AlertRuleType.BudgetRejections or AlertRuleType.ProviderUnreachable;

    public async Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertRuleConfig rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Entries reach the store within half a second; flushing makes the window include the latest requests.
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        var from = now - rule.Window;
        var filter = new RequestLogFilter { Provider = rule.Provider, Model = rule.Model, VirtualKeyId = rule.VirtualKeyId, KeyName = rule.KeyName };
        var scope = Scope(rule);
        switch (rule.Type)
        {
            case AlertRuleType.ErrorRate:
            {
                var totals = await TotalsAsync(filter, from, now, cancellationToken).ConfigureAwait(false);
                var rate = totals.Requests == 0 ? 0 : (double)totals.Errors / totals.Requests;
                return [new AlertCondition(scope, totals.Requests >= rule.MinRequests && rate > rule.Threshold,
                    $"Error rate {Percent(rate)} over the last {Minutes(rule)} ({totals.Errors} of {totals.Requests} requests{For(scope)}); threshold {Percent(rule.Threshold)}.",
                    Math.Round(rate, 4), rule.Threshold)];
            }

            case AlertRuleType.LatencyP95:
            {
                var totals = await TotalsAsync(filter, from, now, cancellationToken).ConfigureAwait(false);
                return [new AlertCondition(scope, totals.Requests >= rule.MinRequests && totals.P95LatencyMs > rule.Threshold,
                    $"p95 latency {Ms(totals.P95LatencyMs)} over the last {Minutes(rule)} ({totals.Requests} requests{For(scope)}); threshold {Ms(rule.Threshold)}.",
                    totals.P95LatencyMs, rule.Threshold)];
            }

            case AlertRuleType.RateLimitRejections:
            case AlertRuleType.BudgetRejections:
            {
                var status = rule.Type == AlertRuleType.RateLimitRejections ? 429 : 402;
                var totals = await TotalsAsync(filter with { Status = RequestLogStatusFilter.Code, StatusCode = status }, from, now, cancellationToken).ConfigureAwait(false);
                var what = status == 429 ? "rate-limit" : "budget";
                return [new AlertCondition(scope, totals.Requests >= rule.Threshold,
                    $"{totals.Requests} {what} rejections (HTTP {status}) over the last {Minutes(rule)}{For(scope)}; threshold {rule.Threshold}.",
                    totals.Requests, rule.Threshold)];
            }

            default:
            {
                // Unreachable: requests went to the provider in the window and every one ended in 502 or 504.
                var providers = rule.Provider is { } one ? [one] : config.Current.Providers.Keys.Order(StringComparer.Ordinal).ToList();
                var conditions = new List<AlertCondition>(providers.Count);
                foreach (var provider in providers)
                {
                    var scoped = filter with { Provider = provider };
                    var all = await TotalsAsync(scoped, from, now, cancellationToken).ConfigureAwait(false);
                    var failed = (await TotalsAsync(scoped with { Status = RequestLogStatusFilter.Code, StatusCode = 502 }, from, now, cancellationToken).ConfigureAwait(false)).Requests
                        + (await TotalsAsync(scoped with { Status = RequestLogStatusFilter.Code, StatusCode = 504 }, from, now, cancellationToken).ConfigureAwait(false)).Requests;
                    var minimum = Math.Max(1, (long)rule.Threshold);
                    conditions.Add(new AlertCondition(provider, all.Requests >= minimum && failed == all.Requests,
                        $"Provider {provider} is unreachable: all {all.Requests} requests of the last {Minutes(rule)} failed with 502/504.", failed, minimum));
                }

                return conditions;
            }
        }
    }

    private async Task<RequestLogStatsTotals> TotalsAsync(RequestLogFilter filter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling((to - from).TotalSeconds));
        return (await store.StatsAsync(filter, from, to, seconds, cancellationToken).ConfigureAwait(false)).Totals;
    }

    private static string Scope(AlertRuleConfig rule) => string.Join(" ", new[]
    {
        rule.Provider is { } p ? "provider=" + p : null,
        rule.Model is { } m ? "model=" + m : null,
        rule.VirtualKeyId is { } v ? "virtual_key=" + v : null,
        rule.KeyName is { } k ? "key=" + k : null,
    }.Where(s => s is not null));

    private static string For(string scope) => scope.Length == 0 ? "" : ", " + scope;

    private static string Minutes(AlertRuleConfig rule) => rule.Window.TotalMinutes >= 1
        ? rule.Window.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min"
        : rule.Window.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Ms(double ms) => ms.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
