using System.Buffers.Binary;
using System.Text;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Caching;

/// <summary>
/// A <see cref="CacheItem"/> as bytes for Redis: a version byte, fixed-width numbers, length-prefixed strings, then the
/// payload as stored (no JSON round trip: the payload already is the answer's bytes).
/// </summary>
internal static class CacheItemCodec
{
    private const byte Version = 1;

    public static byte[] Encode(CacheItem item)
    {
        var answer = item.Answer;
        var native = answer.NativeDialect is null ? null : Encoding.UTF8.GetBytes(answer.NativeDialect);
        var provider = Encoding.UTF8.GetBytes(answer.Provider);
        var model = Encoding.UTF8.GetBytes(answer.Model);
        var bytes = new byte[2 + (4 * 4) + 8 + 1 + 8 + (3 * 4) + (native?.Length ?? 0) + provider.Length + model.Length + 4 + answer.Payload.Length];
        var span = bytes.AsSpan();
        span[0] = Version;
        span[1] = (byte)answer.Format;
        var at = 2;
        foreach (var count in (ReadOnlySpan<int>)[answer.Usage.PromptTokens, answer.Usage.CompletionTokens, answer.Usage.CachedTokens, answer.Usage.CacheWriteTokens])
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], count);
            at += 4;
        }

        BinaryPrimitives.WriteInt64LittleEndian(span[at..], item.ExpiresAtMs);
        at += 8;
        span[at++] = answer.CostNano is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], answer.CostNano ?? 0);
        at += 8;
        at = WriteBytes(span, at, native);
        at = WriteBytes(span, at, provider);
        at = WriteBytes(span, at, model);
        WriteBytes(span, at, answer.Payload.Span);
        return bytes;
    }

    /// <summary>The item, or null for bytes this version cannot read (written by a newer gateway, or damaged).</summary>
    public static CacheItem? Decode(ReadOnlyMemory<byte> memory)
    {
        var span = memory.Span;
        if (span.Length < 47 || span[0] != Version)
        {
            return null;
        }

        try
        {
            var format = (StoredAnswerFormat)span[1];
            var at = 2;
            Span<int> counts = stackalloc int[4];
            for (var i = 0; i < 4; i++, at += 4)
            {
                counts[i] = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            }

            var expires = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            at += 8;
            var hasCost = span[at++] == 1;
            var cost = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            at += 8;
            var native = ReadString(span, ref at);
            var provider = ReadString(span, ref at) ?? string.Empty;
            var model = ReadString(span, ref at) ?? string.Empty;
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += 4;
            var payload = memory.Slice(at, length);
            return new CacheItem(new StoredAnswer
            {
                Format = format,
                NativeDialect = native,
                Provider = provider,
                Model = model,
                Usage = new TokenUsage(counts[0], counts[1], counts[2], counts[3]),
                CostNano = hasCost ? cost : null,
                Payload = payload,
            }, expires);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static int WriteBytes(Span<byte> span, int at, ReadOnlySpan<byte> value) => WriteBytes(span, at, value, value.Length);

    private static int WriteBytes(Span<byte> span, int at, byte[]? value) => value is null ? WriteBytes(span, at, default, -1) : WriteBytes(span, at, value, value.Length);

    private static int WriteBytes(Span<byte> span, int at, ReadOnlySpan<byte> value, int length)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], length);
        value.CopyTo(span[(at + 4)..]);
        return at + 4 + value.Length;
    }

    private static string? ReadString(ReadOnlySpan<byte> span, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += 4;
        if (length < 0)
        {
            return null;
        }

        var value = Encoding.UTF8.GetString(span.Slice(at, length));
        at += length;
        return value;
    }
}
