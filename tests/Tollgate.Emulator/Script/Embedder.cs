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
