using Tollgate.Configuration;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// What of a body goes into <see cref="RequestLogEntry.RequestBody"/> / <see cref="RequestLogEntry.ResponseBody"/> under a
/// content policy; for the pipeline, which resolves the policy (virtual key, else <c>client.log_content</c>).
/// </summary>
internal static class RequestLogContent
{
    /// <summary>Characters kept by <see cref="LogContentMode.Truncated"/>: enough to recognise a prompt, not to keep a document.</summary>
    public const int TruncatedChars = 4_096;

    /// <summary>Hard cap for <see cref="LogContentMode.Full"/>, so one huge request cannot bloat the log (Bifrost caps logged bodies too).</summary>
    public const int MaxChars = 1_048_576;

    public const string TruncationMarker = "…[truncated]";

    /// <summary>The body to log, or null when content logging is off or disabled outright.</summary>
    public static string? Capture(ClientConfig client, LogContentMode mode, string? body)
    {
        if (body is null || client.DisableContentLogging)
        {
            return null;
        }

        var limit = mode switch
        {
            LogContentMode.Truncated => TruncatedChars,
            LogContentMode.Full => MaxChars,
            _ => 0,
        };
        if (limit == 0)
        {
            return null;
        }

        if (body.Length <= limit)
        {
            return body;
        }

        // Never split a surrogate pair: half an emoji is invalid UTF-16 and PostgreSQL would reject the row.
        var cut = char.IsHighSurrogate(body[limit - 1]) ? limit - 1 : limit;
        return string.Concat(body.AsSpan(0, cut), TruncationMarker);
    }
}
