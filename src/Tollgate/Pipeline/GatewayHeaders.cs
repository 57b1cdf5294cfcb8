using System.Diagnostics;
using System.Globalization;
using Tollgate.Governance.Pricing;
using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>The response headers that say what the gateway did (DESIGN.md, "Response headers").</summary>
internal static class GatewayHeaders
{
    public const string Provider = "x-tollgate-provider";
    public const string Model = "x-tollgate-model";
    public const string Key = "x-tollgate-key";
    public const string OverheadMs = "x-tollgate-overhead-ms";
    public const string Attempts = "x-tollgate-attempts";
    public const string CostUsd = "x-tollgate-cost-usd";
    public const string FallbackUsed = "x-tollgate-fallback-used";
    public const string RouteRule = "x-tollgate-route-rule";

    /// <summary>What the response cache did: <c>hit</c>, <c>semantic-hit</c>, <c>miss</c> or <c>bypass</c> (DESIGN.md, "Cache").</summary>
    public const string Cache = "x-tollgate-cache";

    /// <summary>On a hit, what the upstream call it replaced cost.</summary>
    public const string CacheSavedUsd = "x-tollgate-cache-saved-usd";

    public static void SetSafe(IHeaderDictionary headers, string name, string value) => headers[name] = HeaderValues.Safe(value);

    public static void SetRoute(HttpContext context, InferenceCall call)
    {
        var headers = context.Response.Headers;
        SetSafe(headers, Provider, call.Provider.Name);
        SetSafe(headers, Model, call.Model);
        if (call.Key is { } key)
        {
            SetSafe(headers, Key, key.Name);
        }

        headers[Attempts] = call.Attempts.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The call's cost in USD, when its price is known (non-stream responses; a stream's headers leave before its usage).</summary>
    public static void SetCost(HttpContext context, InferenceCall call)
    {
        if (call.Price is { } price)
        {
            var cost = CostCalculator.Cost(price, call.Usage);
            context.Response.Headers[CostUsd] = cost.ToString("0.##########", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Time the gateway itself spent so far: elapsed minus time waiting on the upstream.</summary>
    public static void SetOverhead(HttpContext context, InferenceCall call)
    {
        var elapsed = Stopwatch.GetTimestamp() - call.StartedAt;
        var overheadMs = Math.Max(0, (elapsed - call.UpstreamTicks) * 1000.0 / Stopwatch.Frequency);
        context.Response.Headers[OverheadMs] = overheadMs.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
