using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tollgate.Governance.Pricing;

namespace Tollgate.Pipeline;

/// <summary>The response headers that say what the gateway did (DESIGN.md, "Response headers").</summary>
internal static class GatewayHeaders
{
    public const string RequestId = "x-request-id";
    public const string Provider = "x-tollgate-provider";
    public const string Model = "x-tollgate-model";
    public const string Key = "x-tollgate-key";
    public const string OverheadMs = "x-tollgate-overhead-ms";
    public const string Attempts = "x-tollgate-attempts";
    public const string CostUsd = "x-tollgate-cost-usd";
    public const string FallbackUsed = "x-tollgate-fallback-used";
    public const string RouteRule = "x-tollgate-route-rule";

    /// <summary>Keeps a client's <c>x-request-id</c> (trimmed to a sane length), else uses Kestrel's connection-unique id.</summary>
    public static string EnsureRequestId(HttpContext context)
    {
        var incoming = context.Request.Headers[RequestId].ToString();
        var id = incoming.Length is > 0 and <= 128 ? Safe(incoming) : context.TraceIdentifier;
        context.Response.Headers[RequestId] = id;
        return id;
    }

    /// <summary>
    /// The one place a header value made of client-, upstream- or admin-supplied text (a model name, a key or rule
    /// name, a request id) is made safe: Kestrel throws mid-response on a control character or non-ASCII, which
    /// truncated answers (issue 20). Those characters are written as %XX of their UTF-8 bytes; a clean value is returned as is.
    /// </summary>
    public static string Safe(string value)
    {
        var bad = value.AsSpan().IndexOfAnyExcept(HeaderSafe);
        return bad < 0 ? value : Escape(value, bad);
    }

    public static void SetSafe(IHeaderDictionary headers, string name, string value) => headers[name] = Safe(value);

    // Visible ASCII and space: what every HTTP/1.1 and HTTP/2 stack passes through unchanged.
    private static readonly SearchValues<char> HeaderSafe =
        SearchValues.Create(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static string Escape(string value, int firstBad)
    {
        var builder = new StringBuilder(value.Length + 16).Append(value, 0, firstBad);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = firstBad; i < value.Length; i++)
        {
            if (HeaderSafe.Contains(value[i]))
            {
                builder.Append(value[i]);
                continue;
            }

            // A surrogate pair is one code point; a lone surrogate becomes U+FFFD.
            var length = char.IsSurrogatePair(value, i) ? 2 : 1;
            var rune = Rune.TryCreate(value[i], out var single) ? single
                : length == 2 ? new Rune(value[i], value[i + 1]) : Rune.ReplacementChar;
            var written = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..written])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }

            i += length - 1;
        }

        return builder.ToString();
    }

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
