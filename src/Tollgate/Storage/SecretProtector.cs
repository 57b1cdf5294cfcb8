using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Storage;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM. The key comes from <c>TOLLGATE_ENCRYPTION_KEY</c> (any string, hashed to
/// 256 bits) or, without it, from a random key generated once into the data directory (file mode 600).
/// </summary>
public sealed class SecretProtector
{
    private const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        _key = key;
    }

    public static SecretProtector Create(string? configuredKey, string dataDirectory)
    {
        if (!string.IsNullOrEmpty(configuredKey))
        {
            return new SecretProtector(SHA256.HashData(Encoding.UTF8.GetBytes(configuredKey)));
        }

        var path = Path.Combine(dataDirectory, "encryption.key");
        if (File.Exists(path))
        {
            return new SecretProtector(Convert.FromBase64String(File.ReadAllText(path).Trim()));
        }

        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return new SecretProtector(key);
    }

    /// <summary>A key for another purpose (the audit chain's HMAC), derived with HKDF so the encryption key itself is never reused.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, info: Encoding.UTF8.GetBytes("tollgate:" + purpose));

    public string Protect(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return Prefix + Convert.ToBase64String(output);
    }

    public string Unprotect(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("The stored secret is not in Tollgate's encrypted format.");
        }

        var data = Convert.FromBase64String(stored[Prefix.Length..]);
        var plain = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
