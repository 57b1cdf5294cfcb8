using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Emulator.Script;

/// <summary>Deterministic 8-dimensional unit vectors derived from the text's SHA-256, so equal inputs embed equally.</summary>
internal static class Embedder
{
    public const int Dimensions = 8;

    public static float[] Embed(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var vector = new float[Dimensions];
        double norm = 0;
        for (var i = 0; i < Dimensions; i++)
        {
            var raw = BinaryPrimitives.ReadUInt32LittleEndian(hash.Slice(i * 4, 4));
            vector[i] = (float)((raw / (double)uint.MaxValue * 2.0) - 1.0);
            norm += vector[i] * vector[i];
        }

        var scale = norm == 0 ? 1 : 1 / Math.Sqrt(norm);
        for (var i = 0; i < Dimensions; i++)
        {
            vector[i] = (float)(vector[i] * scale);
        }

        return vector;
    }

    public const int WordDimensions = 64;

    /// <summary>
    /// A bag of words: each lower-cased word (letters and digits) adds one to a dimension chosen by its SHA-256, then the
    /// vector is scaled to unit length. Texts sharing most words have a cosine near 1; unrelated texts near 0. Deterministic.
    /// </summary>
    public static float[] EmbedWords(string text)
    {
        var vector = new float[WordDimensions];
        Span<byte> hash = stackalloc byte[32];
        var words = new string([.. text.ToLowerInvariant().Select(static c => char.IsLetterOrDigit(c) ? c : ' ')]).Split(' ');
        foreach (var word in words)
        {
            if (word.Length == 0)
            {
                continue;
            }

            SHA256.HashData(Encoding.UTF8.GetBytes(word), hash);
            vector[BinaryPrimitives.ReadUInt32LittleEndian(hash) % WordDimensions] += 1;
        }

        var norm = Math.Sqrt(vector.Sum(static v => v * v));
        for (var i = 0; i < WordDimensions && norm > 0; i++)
        {
            vector[i] = (float)(vector[i] / norm);
        }

        return vector;
    }

    /// <summary>OpenAI's <c>encoding_format: "base64"</c>: the float32 values, little-endian, base64-encoded.</summary>
    public static string ToBase64(float[] vector)
    {
        var bytes = new byte[vector.Length * 4];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }
}
