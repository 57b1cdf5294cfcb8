using System.Buffers.Binary;
using System.Buffers.Text;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Where a page ended: the last row's time and its storage sequence number, as an opaque base64url token. The list is
/// ordered by (time DESC, seq DESC); seq is unique and increasing per insert, so rows sharing a millisecond are neither
/// skipped nor repeated, and an integer tie-breaker keeps every (filter, time) index small compared with the request id.
/// </summary>
internal readonly record struct RequestLogCursor(long TimeMs, long Seq)
{
    private const int Size = 16;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Size];
        BinaryPrimitives.WriteInt64BigEndian(bytes, TimeMs);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Seq);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string text, out RequestLogCursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[Size];
        // IsValid first: TryDecodeFromChars throws (rather than answering false) on characters outside the alphabet.
        if (text.Length > 32 || !Base64Url.IsValid(text, out var length) || length != Size
            || !Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != Size)
        {
            return false;
        }

        cursor = new RequestLogCursor(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
        return true;
    }
}
