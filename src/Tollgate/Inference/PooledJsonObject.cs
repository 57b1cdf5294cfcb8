using System.Buffers;
using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>
/// A JSON object parsed from a span into a pooled copy, for answers read whole (a non-stream completion or message).
/// JsonDocument keeps a reference to its input, so it needs memory rather than a span; a pooled copy is cheaper than
/// the unpooled one JsonDocument.ParseValue would make. Dispose returns the copy and the document's own buffers.
/// </summary>
internal readonly struct PooledJsonObject : IDisposable
{
    private readonly byte[] _buffer;
    private readonly JsonDocument _document;

    private PooledJsonObject(byte[] buffer, JsonDocument document)
    {
        _buffer = buffer;
        _document = document;
    }

    /// <summary>The object.</summary>
    public JsonElement Root => _document.RootElement;

    /// <summary>Parses <paramref name="json"/>; throws <see cref="JsonException"/> (with <paramref name="notAnObject"/> when it is valid JSON of another kind).</summary>
    public static PooledJsonObject Parse(ReadOnlySpan<byte> json, string notAnObject)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(json.Length);
        JsonDocument? document = null;
        try
        {
            json.CopyTo(buffer);
            document = JsonDocument.Parse(buffer.AsMemory(0, json.Length));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException(notAnObject);
            }

            return new PooledJsonObject(buffer, document);
        }
        catch
        {
            document?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        _document?.Dispose();
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
