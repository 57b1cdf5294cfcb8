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

    public static string Hint(string value) => value.Length <= 10 ? "sk-tg-…" : $"{(value.StartsWith(Prefix, StringComparison.Ordinal) ? Prefix : value[..3])}…{value[^4..]}";
}
