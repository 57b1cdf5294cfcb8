using System.Globalization;
using Tollgate.Governance.Limits;

namespace Tollgate.Pipeline;

/// <summary>The <c>x-ratelimit-*</c> headers OpenAI clients read, written from governance's rate-limit decisions.</summary>
internal static class RateLimitHeaders
{
    private static readonly Names Requests = new("requests");
    private static readonly Names Tokens = new("tokens");

    /// <summary>Writes the headers of the most specific request and token limits that applied (either may be null).</summary>
    public static void Write(HttpContext context, RateLimitDecision? requests, RateLimitDecision? tokens)
    {
        Write(context.Response.Headers, requests, Requests);
        Write(context.Response.Headers, tokens, Tokens);
    }

    private static void Write(IHeaderDictionary headers, RateLimitDecision? decision, Names names)
    {
        if (decision is not { } d)
        {
            return;
        }

        headers[names.Limit] = d.Limit.ToString(CultureInfo.InvariantCulture);
        headers[names.Remaining] = d.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[names.Reset] = FormatReset(d.Allowed ? d.ResetAfter : d.RetryAfter);
    }

    /// <summary>OpenAI's reset format: <c>20ms</c>, <c>1s</c>, <c>6m0s</c>.</summary>
    private static string FormatReset(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return $"{Math.Ceiling(span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";
        }

        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        return seconds < 60
            ? $"{seconds.ToString(CultureInfo.InvariantCulture)}s"
            : $"{(seconds / 60).ToString(CultureInfo.InvariantCulture)}m{(seconds % 60).ToString(CultureInfo.InvariantCulture)}s";
    }

    private sealed class Names(string unit)
    {
        public string Limit { get; } = $"x-ratelimit-limit-{unit}";

        public string Remaining { get; } = $"x-ratelimit-remaining-{unit}";

        public string Reset { get; } = $"x-ratelimit-reset-{unit}";
    }
}
