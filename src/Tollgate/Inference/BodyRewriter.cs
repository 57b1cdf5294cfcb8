using System.Buffers;
using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>
/// Copies a request body's top-level members as raw bytes, changing only <c>model</c>, <c>stream_options</c>,
/// <c>encoding_format</c> and the gateway-only <c>fallbacks</c>. Unknown fields pass through byte for byte.
/// </summary>
internal static class BodyRewriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One writer per thread, reset for each use: every request and every Databricks stream chunk goes through
    /// here, and a new Utf8JsonWriter each time was a measurable share of the gateway's allocations.</summary>
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static Utf8JsonWriter RentWriter(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            return new Utf8JsonWriter(output, WriterOptions);
        }

        t_writer = null;
        writer.Reset(output);
        return writer;
    }

    private static void ReturnWriter(Utf8JsonWriter writer)
    {
        writer.Flush();
        t_writer = writer;
    }

    public static void Rewrite(ReadOnlySpan<byte> body, in BodyRewrite rewrite, IBufferWriter<byte> output)
    {
        // Not returned when the body turns out invalid (an exception): the next call simply makes a new writer.
        var writer = RentWriter(output);
        var reader = new Utf8JsonReader(body);
        reader.Read();
        writer.WriteStartObject();
        var wroteStreamOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(JsonFields.Model.EncodedUtf8Bytes))
            {
                reader.Read();
                reader.Skip();
                if (rewrite.Model is not null)
                {
                    writer.WriteString(JsonFields.Model, rewrite.Model);
                }

                continue;
            }

            if (reader.ValueTextEquals(JsonFields.Fallbacks.EncodedUtf8Bytes)
                || (rewrite.RemoveEncodingFormat && reader.ValueTextEquals(JsonFields.EncodingFormat.EncodedUtf8Bytes)))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (rewrite.StreamOptions != StreamOptionsAction.Keep && reader.ValueTextEquals(JsonFields.StreamOptions.EncodedUtf8Bytes))
            {
                reader.Read();
                if (rewrite.StreamOptions == StreamOptionsAction.ForceIncludeUsage)
                {
                    WriteStreamOptionsWithUsage(ref reader, body, writer);
                    wroteStreamOptions = true;
                }
                else
                {
                    reader.Skip();
                }

                continue;
            }

            CopyProperty(ref reader, body, writer);
        }

        if (rewrite.StreamOptions == StreamOptionsAction.ForceIncludeUsage && !wroteStreamOptions)
        {
            writer.WriteStartObject(JsonFields.StreamOptions);
            writer.WriteBoolean(JsonFields.IncludeUsage, true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        ReturnWriter(writer);
    }

    /// <summary>Copies a JSON object without one top-level property (e.g. the running <c>usage</c> on Databricks chunks).</summary>
    public static void WriteWithout(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyName, IBufferWriter<byte> output)
    {
        var writer = RentWriter(output);
        var reader = new Utf8JsonReader(json);
        reader.Read();
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(propertyName))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            CopyProperty(ref reader, json, writer);
        }

        writer.WriteEndObject();
        ReturnWriter(writer);
    }

    /// <summary>Writes the current property (reader on its name) and its value verbatim.</summary>
    private static void CopyProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, Utf8JsonWriter writer)
    {
        WritePropertyName(ref reader, writer);
        reader.Read();
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var end = (int)reader.BytesConsumed;
        writer.WriteRawValue(body[start..end], skipInputValidation: true);
    }

    private static void WritePropertyName(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (reader.ValueIsEscaped)
        {
            writer.WritePropertyName(reader.GetString()!);
        }
        else
        {
            writer.WritePropertyName(reader.ValueSpan);
        }
    }

    private static void WriteStreamOptionsWithUsage(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, Utf8JsonWriter writer)
    {
        writer.WriteStartObject(JsonFields.StreamOptions);
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(JsonFields.IncludeUsage.EncodedUtf8Bytes))
                {
                    reader.Read();
                    continue;
                }

                CopyProperty(ref reader, body, writer);
            }
        }
        else
        {
            reader.Skip();
        }

        writer.WriteBoolean(JsonFields.IncludeUsage, true);
        writer.WriteEndObject();
    }
}
