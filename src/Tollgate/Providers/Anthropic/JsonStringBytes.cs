using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// The unescaped UTF-8 value of a JSON string element without allocating a <see cref="string"/>. Most strings carry
/// no escapes, so the document's own bytes are returned; only escaped ones are unescaped into a pooled buffer.
/// This matters for base64 images and tool arguments, which can be megabytes.
/// </summary>
internal static class JsonStringBytes
{
    /// <summary>Pass <paramref name="rented"/> to <see cref="Return"/> once the span is no longer used.</summary>
    public static ReadOnlySpan<byte> Get(JsonElement stringElement, ref byte[]? rented)
    {
        var raw = JsonMarshal.GetRawUtf8Value(stringElement);
        var inner = raw[1..^1];
        if (!inner.Contains((byte)'\\'))
        {
            return inner;
        }

        var reader = new Utf8JsonReader(raw);
        reader.Read();

        // Unescaping never makes a string longer.
        rented = ArrayPool<byte>.Shared.Rent(inner.Length);
        var length = reader.CopyString(rented);
        return rented.AsSpan(0, length);
    }

    public static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
