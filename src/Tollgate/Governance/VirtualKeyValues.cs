using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Governance;

/// <summary>Virtual key values: generation (<c>sk-tg-</c> + 32 base62 characters), hashing and display hints.</summary>
public static class VirtualKeyValues
{
    public const string Prefix = "sk-tg-";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Alphabet, 32);

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Chars of a <see cref="Hash"/>: hex of 32 bytes.</summary>
    public const int HashChars = SHA256.HashSizeInBytes * 2;

    /// <summary><see cref="Hash"/> written into <paramref name="destination"/> (<see cref="HashChars"/> long) without allocating.</summary>
    public static void Hash(ReadOnlySpan<char> value, Span<char> destination)
    {
        const int StackBytes = 512;
        byte[]? rented = null;
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var bytes = max <= StackBytes ? stackalloc byte[StackBytes] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..length], hash);
            Convert.TryToHexStringLower(hash, destination, out _);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static string Hint(string value) => value.Length <= 10 ? "sk-tg-…" : $"{(value.StartsWith(Prefix, StringComparison.Ordinal) ? Prefix : value[..3])}…{value[^4..]}";
}
