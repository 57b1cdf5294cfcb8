using System.Collections.Frozen;
using System.Globalization;
using Tollgate.Inference;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Reads the log API's query string into a <see cref="RequestLogFilter"/>. A bad or unknown parameter is a 400 that
/// names it, so a typo (<c>modle=</c>) does not quietly return every row. An empty value means "not set", as HTML
/// forms send every field.
/// </summary>
internal static class RequestLogQuery
{
    public const int MaxIdPrefixLength = 200;

    private static readonly FrozenSet<string> FilterNames = FrozenSet.Create(StringComparer.Ordinal,
        "from", "to", "provider", "model", "virtual_key_id", "team_id", "customer_id", "key_name", "status", "error_type",
        "stream", "min_latency_ms", "q");

    /// <summary>Parses the filters; <paramref name="extra"/> are the endpoint's own parameters, which the caller reads.</summary>
    public static GatewayError? TryParse(IQueryCollection query, IReadOnlySet<string> extra, out RequestLogFilter filter)
    {
        filter = RequestLogFilter.None;
        foreach (var key in query.Keys)
        {
            if (!FilterNames.Contains(key) && !extra.Contains(key))
            {
                return Bad(key, $"Unknown query parameter '{key}'.");
            }
        }

        DateTimeOffset? from = null, to = null;
        if (Value(query, "from") is { } fromText)
        {
            if (!TryTime(fromText, out var value))
            {
                return Bad("from", "from must be an ISO 8601 time (2026-03-01T12:00:00Z) or date.");
            }

            from = value;
        }

        if (Value(query, "to") is { } toText)
        {
            if (!TryTime(toText, out var value))
            {
                return Bad("to", "to must be an ISO 8601 time (2026-03-01T12:00:00Z) or date.");
            }

            to = value;
        }

        if (from is { } f && to is { } t && f >= t)
        {
            return Bad("to", "to must be later than from.");
        }

        var status = RequestLogStatusFilter.Any;
        var statusCode = 0;
        switch (Value(query, "status"))
        {
            case null:
                break;
            case "ok":
                status = RequestLogStatusFilter.Ok;
                break;
            case "error":
                status = RequestLogStatusFilter.Error;
                break;
            case var code when int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out statusCode) && statusCode is >= 100 and <= 599:
                status = RequestLogStatusFilter.Code;
                break;
            default:
                return Bad("status", "status must be ok (below 400), error (400 and above) or an HTTP status code (100-599).");
        }

        bool? stream = null;
        switch (Value(query, "stream"))
        {
            case null:
                break;
            case "true":
                stream = true;
                break;
            case "false":
                stream = false;
                break;
            default:
                return Bad("stream", "stream must be true or false.");
        }

        double? minLatency = null;
        if (Value(query, "min_latency_ms") is { } latencyText)
        {
            if (!double.TryParse(latencyText, NumberStyles.Float, CultureInfo.InvariantCulture, out var latency) || !(latency >= 0) || double.IsInfinity(latency))
            {
                return Bad("min_latency_ms", "min_latency_ms must be a number of milliseconds, 0 or more.");
            }

            minLatency = latency;
        }

        var prefix = Value(query, "q");
        if (prefix is { Length: > MaxIdPrefixLength })
        {
            return Bad("q", $"q (a request id prefix) must be at most {MaxIdPrefixLength} characters.");
        }

        filter = new RequestLogFilter
        {
            From = from,
            To = to,
            Provider = Value(query, "provider"),
            Model = Value(query, "model"),
            VirtualKeyId = Value(query, "virtual_key_id"),
            TeamId = Value(query, "team_id"),
            CustomerId = Value(query, "customer_id"),
            KeyName = Value(query, "key_name"),
            Status = status,
            StatusCode = statusCode,
            ErrorType = Value(query, "error_type"),
            Stream = stream,
            MinLatencyMs = minLatency,
            IdPrefix = prefix,
        };
        return null;
    }

    /// <summary>An integer parameter in [min, max], or <paramref name="fallback"/> when absent.</summary>
    public static GatewayError? TryInt(IQueryCollection query, string name, int min, int max, int fallback, out int value)
    {
        value = fallback;
        if (Value(query, name) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            return Bad(name, $"{name} must be a whole number from {min} to {max}.");
        }

        return null;
    }

    public static string? Value(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        var text = values.Count == 1 ? values[0] : values.LastOrDefault(v => !string.IsNullOrEmpty(v));
        return string.IsNullOrEmpty(text) ? null : text;
    }

    public static GatewayError Bad(string parameter, string message) => GatewayError.BadRequest(message, parameter, "invalid_parameter");

    private static bool TryTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
