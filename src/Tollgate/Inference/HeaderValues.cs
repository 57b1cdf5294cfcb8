using System.Buffers;
using System.Globalization;
using System.Text;

namespace Tollgate.Inference;

/// <summary>Header values made of text the gateway does not control, made safe for every HTTP stack.</summary>
internal static class HeaderValues
{
    /// <summary>
    /// The one place a header value made of client-, upstream- or admin-supplied text (a model name, a key or rule
    /// name, a request id) is made safe: Kestrel throws mid-response on a control character or non-ASCII, which
    /// truncated answers (issue 20). Those characters are written as %XX of their UTF-8 bytes; a clean value is returned as is.
    /// </summary>
    public static string Safe(string value)
    {
        var bad = value.AsSpan().IndexOfAnyExcept(HeaderSafe);
        return bad < 0 ? value : Escape(value, bad);
    }

    // Visible ASCII and space: what every HTTP/1.1 and HTTP/2 stack passes through unchanged.
    private static readonly SearchValues<char> HeaderSafe =
        SearchValues.Create(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static string Escape(string value, int firstBad)
    {
        var builder = new StringBuilder(value.Length + 16).Append(value, 0, firstBad);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = firstBad; i < value.Length; i++)
        {
            if (HeaderSafe.Contains(value[i]))
            {
                builder.Append(value[i]);
                continue;
            }

            // A surrogate pair is one code point; a lone surrogate becomes U+FFFD.
            var length = char.IsSurrogatePair(value, i) ? 2 : 1;
            var rune = Rune.TryCreate(value[i], out var single) ? single
                : length == 2 ? new Rune(value[i], value[i + 1]) : Rune.ReplacementChar;
            var written = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..written])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }

            i += length - 1;
        }

        return builder.ToString();
    }
}
