using Tollgate.Configuration;

namespace Tollgate.Observability.RequestLogs;

/// <summary>Byte caps for logged bodies; a cut body ends with a marker saying how much was left out.</summary>
public static class ContentLogLimits
{
    public const int TruncatedBytes = 4 * 1024;

    public const int FullBytes = 1024 * 1024;

    public static int For(LogContentMode mode) => mode switch
    {
        LogContentMode.Truncated => TruncatedBytes,
        LogContentMode.Full => FullBytes,
        _ => 0,
    };

    /// <summary>UTF-8 text of at most <paramref name="limit"/> bytes of <paramref name="bytes"/>, marked when cut.</summary>
    public static string Text(ReadOnlySpan<byte> bytes, int limit)
    {
        if (bytes.Length <= limit)
        {
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        // A cut may split a multi-byte character; the decoder turns the stray bytes into U+FFFD, which is fine for a log.
        return System.Text.Encoding.UTF8.GetString(bytes[..limit]) + $"…[{bytes.Length - limit} more bytes not logged]";
    }
}
