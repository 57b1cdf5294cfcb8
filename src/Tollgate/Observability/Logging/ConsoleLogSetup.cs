using Microsoft.Extensions.Logging.Console;
using Tollgate.Configuration;

namespace Tollgate.Observability.Logging;

/// <summary>
/// Console log format: <c>--log-format json|text</c> or <c>TOLLGATE_LOG_FORMAT</c>; by default JSON when stdout is
/// redirected (a container, a service manager: something will parse it) and text on a terminal (a person reads it).
/// Both include scopes, so lines logged during a request carry its <c>RequestId</c>.
/// </summary>
internal static class ConsoleLogSetup
{
    public const string Json = "json";
    public const string Text = "text";

    /// <summary>The format asked for, or the default for this console; a ConfigException for anything else.</summary>
    public static string FormatFrom(IConfiguration configuration)
    {
        var (value, source) = configuration["log-format"] is { Length: > 0 } option ? (option, "--log-format")
            : configuration["TOLLGATE_LOG_FORMAT"] is { Length: > 0 } variable ? (variable, "TOLLGATE_LOG_FORMAT")
            : (null, null);
        return value?.Trim().ToLowerInvariant() switch
        {
            null => Console.IsOutputRedirected ? Json : Text,
            Json => Json,
            Text => Text,
            _ => throw new ConfigException(source!, $"must be '{Json}' or '{Text}', found '{value}'"),
        };
    }

    public static void Configure(ILoggingBuilder logging, IConfiguration configuration, bool tracing)
    {
        if (FormatFrom(configuration) == Json)
        {
            logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                // Relaxed escaping: log lines are read by people and log shippers, never embedded in HTML.
                options.JsonWriterOptions = new System.Text.Json.JsonWriterOptions
                {
                    Indented = false,
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                };
            });
        }
        else
        {
            logging.AddSimpleConsole(options =>
            {
                options.IncludeScopes = true;
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
            });
        }

        // The hosting layer's own request scope carries Kestrel's connection-based id, which differs from x-request-id
        // whenever the client sent one; RequestScopeMiddleware opens the scope with the right id instead. (That logger
        // only logs request starts and ends at Information, below the Microsoft.AspNetCore Warning floor anyway.) Off also
        // saves work: hosting starts an Activity per request whenever this category logs at all, and an Activity makes
        // HttpClient's diagnostics handler run and add a traceparent upstream; with tracing on, the listener starts it anyway.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (tracing)
        {
            // Lines logged inside a traced request also name its trace and span, to jump from a log to the trace.
            logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        }
    }
}
