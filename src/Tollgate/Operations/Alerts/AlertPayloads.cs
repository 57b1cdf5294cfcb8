using System.Globalization;
using System.Text;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Operations.Alerts;

/// <summary>
/// The JSON each HTTP channel expects, written with <see cref="Utf8JsonWriter"/> (no reflection): Slack Block Kit,
/// a Teams workflow's Adaptive Card message, PagerDuty Events API v2, and Tollgate's own webhook shape.
/// </summary>
internal static class AlertPayloads
{
    public static byte[] Webhook(AlertNotice notice) => JsonWire.Object(w =>
    {
        w.WriteString("event", notice.KindName);
        w.WriteString("rule_id", notice.RuleId);
        w.WriteString("rule_type", notice.RuleType);
        w.WriteString("instance", notice.Instance);
        w.WriteString("severity", notice.Severity);
        w.WriteString("summary", notice.Summary);
        Number(w, "value", notice.Value);
        Number(w, "threshold", notice.Threshold);
        w.WriteString("time", notice.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("dedup_key", notice.DedupKey);
    });

    public static byte[] Slack(AlertNotice notice) => JsonWire.Object(w =>
    {
        // "text" is the fallback Slack shows in notifications; the blocks are the message.
        w.WriteString("text", $"{notice.Title}: {notice.Summary}");
        w.WriteStartArray("blocks");
        w.WriteStartObject();
        w.WriteString("type", "header");
        PlainText(w, "text", Emoji(notice) + " " + notice.Title);
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "section");
        w.WriteStartObject("text");
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", notice.Summary);
        w.WriteEndObject();
        w.WriteStartArray("fields");
        foreach (var (name, value) in Facts(notice))
        {
            w.WriteStartObject();
            w.WriteString("type", "mrkdwn");
            w.WriteString("text", $"*{name}*\n{value}");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "context");
        w.WriteStartArray("elements");
        w.WriteStartObject();
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", "Tollgate · " + notice.Time.UtcDateTime.ToString("u", CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    public static byte[] Teams(AlertNotice notice) => JsonWire.Object(w =>
    {
        w.WriteString("type", "message");
        w.WriteStartArray("attachments");
        w.WriteStartObject();
        w.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
        w.WriteNull("contentUrl");
        w.WriteStartObject("content");
        w.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        w.WriteString("type", "AdaptiveCard");
        w.WriteString("version", "1.4");
        w.WriteStartArray("body");
        w.WriteStartObject();
        w.WriteString("type", "TextBlock");
        w.WriteString("text", notice.Title);
        w.WriteString("weight", "Bolder");
        w.WriteString("size", "Medium");
        w.WriteString("color", notice.Kind == AlertNoticeKind.Triggered ? "Attention" : "Good");
        w.WriteBoolean("wrap", true);
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "TextBlock");
        w.WriteString("text", notice.Summary);
        w.WriteBoolean("wrap", true);
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "FactSet");
        w.WriteStartArray("facts");
        foreach (var (name, value) in Facts(notice))
        {
            w.WriteStartObject();
            w.WriteString("title", name);
            w.WriteString("value", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    public static byte[] PagerDuty(AlertNotice notice, string routingKey) => JsonWire.Object(w =>
    {
        w.WriteString("routing_key", routingKey);
        // A test is a trigger (PagerDuty has no test action); its dedup key is its own, so it never folds into a real incident.
        w.WriteString("event_action", notice.Kind == AlertNoticeKind.Resolved ? "resolve" : "trigger");
        w.WriteString("dedup_key", notice.DedupKey);
        if (notice.Kind == AlertNoticeKind.Resolved)
        {
            return;
        }

        w.WriteStartObject("payload");
        w.WriteString("summary", Truncate($"{notice.Title}: {notice.Summary}", 1024));
        w.WriteString("source", "tollgate");
        w.WriteString("severity", notice.Severity);
        w.WriteString("timestamp", notice.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("component", notice.RuleType);
        w.WriteString("group", notice.RuleId);
        w.WriteStartObject("custom_details");
        foreach (var (name, value) in Facts(notice))
        {
            w.WriteString(name.ToLowerInvariant().Replace(' ', '_'), value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static string EmailText(AlertNotice notice)
    {
        var text = new StringBuilder().Append(notice.Summary).Append("\n\n");
        foreach (var (name, value) in Facts(notice))
        {
            text.Append(name).Append(": ").Append(value).Append('\n');
        }

        return text.Append("\n-- Tollgate\n").ToString();
    }

    private static IEnumerable<(string Name, string Value)> Facts(AlertNotice notice)
    {
        yield return ("Rule", notice.RuleId);
        yield return ("Type", notice.RuleType);
        if (notice.Instance.Length > 0)
        {
            yield return ("Instance", notice.Instance);
        }

        yield return ("Severity", notice.Severity);
        if (notice.Value is { } value)
        {
            yield return ("Value", value.ToString("0.####", CultureInfo.InvariantCulture));
        }

        if (notice.Threshold is { } threshold)
        {
            yield return ("Threshold", threshold.ToString("0.####", CultureInfo.InvariantCulture));
        }

        yield return ("Time", notice.Time.UtcDateTime.ToString("u", CultureInfo.InvariantCulture));
    }

    private static string Emoji(AlertNotice notice) => notice.Kind switch
    {
        AlertNoticeKind.Triggered => ":rotating_light:",
        AlertNoticeKind.Resolved => ":white_check_mark:",
        _ => ":information_source:",
    };

    private static void PlainText(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "plain_text");
        // Slack caps header text at 150 characters.
        w.WriteString("text", Truncate(text, 150));
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
