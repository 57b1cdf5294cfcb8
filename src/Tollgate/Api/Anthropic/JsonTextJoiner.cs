using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tollgate.Api.Anthropic;

/// <summary>
/// Writes several JSON string elements as one JSON string. The document validated them, so their escaped bytes are
/// copied as they are: nothing is unescaped or re-escaped, and an escape sequence never straddles a join. Text blocks
/// can be long (a pasted file in a tool result), which is why this avoids building strings.
/// </summary>
internal static class JsonTextJoiner
{
    /// <param name="strings">String elements, in order.</param>
    /// <param name="escapedPrefix">Written before the first string, already JSON-escaped.</param>
    /// <param name="escapedSeparator">Written between strings, already JSON-escaped (<c>\\n\\n</c> for a blank line).</param>
    public static void Write(ReadOnlySpan<JsonElement> strings, ReadOnlySpan<byte> escapedPrefix, ReadOnlySpan<byte> escapedSeparator, Utf8JsonWriter writer)
    {
        if (strings.Length == 1 && escapedPrefix.IsEmpty)
        {
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(strings[0]), skipInputValidation: true);
            return;
        }

        var length = 2 + escapedPrefix.Length + (Math.Max(strings.Length - 1, 0) * escapedSeparator.Length);
        foreach (var value in strings)
        {
            length += JsonMarshal.GetRawUtf8Value(value).Length - 2;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan();
            var written = 0;
            span[written++] = (byte)'"';
            escapedPrefix.CopyTo(span[written..]);
            written += escapedPrefix.Length;
            for (var i = 0; i < strings.Length; i++)
            {
                if (i > 0)
                {
                    escapedSeparator.CopyTo(span[written..]);
                    written += escapedSeparator.Length;
                }

                var inner = JsonMarshal.GetRawUtf8Value(strings[i])[1..^1];
                inner.CopyTo(span[written..]);
                written += inner.Length;
            }

            span[written++] = (byte)'"';
            writer.WriteRawValue(span[..written], skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Writes <c>"data:&lt;media type&gt;;base64,&lt;data&gt;"</c> from two string elements. Images and PDFs are the largest
    /// thing a request carries; the megabytes of base64 are copied once, never decoded into a string.
    /// </summary>
    public static void WriteDataUrl(JsonElement mediaType, JsonElement base64Data, Utf8JsonWriter writer)
    {
        var type = JsonMarshal.GetRawUtf8Value(mediaType)[1..^1];
        var data = JsonMarshal.GetRawUtf8Value(base64Data)[1..^1];
        var length = "\"data:"u8.Length + type.Length + ";base64,"u8.Length + data.Length + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan(0, length);
            "\"data:"u8.CopyTo(span);
            var written = "\"data:"u8.Length;
            type.CopyTo(span[written..]);
            written += type.Length;
            ";base64,"u8.CopyTo(span[written..]);
            written += ";base64,"u8.Length;
            data.CopyTo(span[written..]);
            span[^1] = (byte)'"';
            writer.WriteRawValue(span, skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
