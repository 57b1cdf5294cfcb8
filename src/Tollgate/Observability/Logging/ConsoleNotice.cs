using System.Text.Json;

namespace Tollgate.Observability.Logging;

/// <summary>
/// One-time start-up notices for the operator (a generated admin password or token, DESIGN.md: "printed once"). They go
/// to stdout rather than through the loggers, so log shipping and log levels never keep or hide them; in JSON log mode
/// they are still one JSON object per line, so a log collector parsing stdout does not trip on them.
/// </summary>
internal sealed class ConsoleNotice(bool json)
{
    public void Write(string message)
    {
        if (!json)
        {
            Console.WriteLine(message);
            return;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("Timestamp", DateTimeOffset.UtcNow);
            writer.WriteNumber("EventId", 0);
            writer.WriteString("LogLevel", "Warning");
            writer.WriteString("Category", "Tollgate.Startup");
            writer.WriteString("Message", message);
            writer.WriteEndObject();
        }

        Console.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
