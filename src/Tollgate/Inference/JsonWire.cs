using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>
/// Writer settings for every JSON body the gateway writes. The default encoder escapes characters like <c>'</c> and
/// <c>+</c> for HTML safety, which API responses do not need and which makes messages unreadable (<c>\u0027</c>).
/// </summary>
internal static class JsonWire
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One JSON object as UTF-8 bytes, for the small bodies of outbound calls (alerts, guardrail checks).</summary>
    public static byte[] Object(Action<Utf8JsonWriter> writeProperties)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
