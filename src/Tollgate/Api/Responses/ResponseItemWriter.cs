using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tollgate.Api.Responses;

/// <summary>
/// Writes Responses output items: an assistant <c>message</c> with one <c>output_text</c> part, and
/// <c>function_call</c>. Text and arguments arrive as the escaped contents of a JSON string (what the upstream sent,
/// without its quotes), so they are copied, never unescaped and escaped again.
/// </summary>
internal static class ResponseItemWriter
{
    /// <param name="escapedText">The text, escaped; ignored when <paramref name="withContent"/> is false.</param>
    /// <param name="withContent">False for output_item.added, whose message has no parts yet.</param>
    public static void WriteMessage(Utf8JsonWriter writer, string id, string status, ReadOnlySpan<byte> escapedText, bool withContent)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("status"u8, status);
        writer.WriteStartArray("content"u8);
        if (withContent)
        {
            WriteOutputText(writer, escapedText);
        }

        writer.WriteEndArray();
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteEndObject();
    }

    /// <summary>An output_text part. annotations and logprobs are always empty: no chat upstream produces either here.</summary>
    public static void WriteOutputText(Utf8JsonWriter writer, ReadOnlySpan<byte> escapedText)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "output_text"u8);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteStartArray("logprobs"u8);
        writer.WriteEndArray();
        writer.WritePropertyName("text"u8);
        WriteEscapedString(writer, escapedText);
        writer.WriteEndObject();
    }

    /// <param name="callId">The call id as a JSON string, quotes included.</param>
    /// <param name="name">The function name as a JSON string, quotes included.</param>
    public static void WriteFunctionCall(Utf8JsonWriter writer, string id, string status, ReadOnlySpan<byte> callId, ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> escapedArguments)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("type"u8, "function_call"u8);
        writer.WriteString("status"u8, status);
        writer.WritePropertyName("arguments"u8);
        WriteEscapedString(writer, escapedArguments);
        writer.WritePropertyName("call_id"u8);
        writer.WriteRawValue(callId, skipInputValidation: true);
        writer.WritePropertyName("name"u8);
        writer.WriteRawValue(name, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>Writes already-escaped string contents as a JSON string value.</summary>
    public static void WriteEscapedString(Utf8JsonWriter writer, ReadOnlySpan<byte> escaped)
    {
        var length = escaped.Length + 2;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer[0] = (byte)'"';
            escaped.CopyTo(buffer.AsSpan(1));
            buffer[length - 1] = (byte)'"';
            writer.WriteRawValue(buffer.AsSpan(0, length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A string as a JSON string token, quotes included, for ids the gateway makes up.</summary>
    public static byte[] Quoted(string value)
    {
        var encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var quoted = new byte[encoded.Length + 2];
        quoted[0] = (byte)'"';
        encoded.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        return quoted;
    }

    /// <summary>A streamed item as output_item.added shows it (no content, no arguments yet) or as it stands.</summary>
    public static void WriteStreamedItem(Utf8JsonWriter writer, StreamedOutputItem item, bool added)
    {
        var escaped = added ? default : item.Escaped.WrittenSpan;
        if (item.IsFunctionCall)
        {
            WriteFunctionCall(writer, item.Id, item.Status, item.CallId, item.Name, escaped);
        }
        else
        {
            WriteMessage(writer, item.Id, item.Status, escaped, withContent: !added);
        }
    }

    /// <summary>Which item an event is about: <c>item_id</c> and <c>output_index</c>.</summary>
    public static void WriteItemAddress(Utf8JsonWriter writer, StreamedOutputItem item)
    {
        writer.WriteString("item_id"u8, item.Id);
        writer.WriteNumber("output_index"u8, item.OutputIndex);
    }

    /// <summary>The string that escaped JSON string contents (no quotes) stand for.</summary>
    public static string? Unescape(ReadOnlySpan<byte> escaped)
    {
        var quoted = new byte[escaped.Length + 2];
        quoted[0] = (byte)'"';
        escaped.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString();
    }
}
