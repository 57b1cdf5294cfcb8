using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Api.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 password hashes, stored as <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c> (base64).
/// The iteration count travels with each hash, so raising <see cref="DefaultIterations"/> later keeps old hashes
/// verifiable; <see cref="NeedsRehash"/> tells the login to upgrade them.
/// </summary>
internal sealed class PasswordHasher
{
    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet); about 0.2 s on one core.</summary>
    public const int DefaultIterations = 600_000;

    // A stored count above this is corrupt or hostile; refusing it keeps one login from burning minutes of CPU.
    private const int MaximumIterations = 10_000_000;
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltSize = 16;
    private const int HashSize = 32;

    private readonly Lazy<string> _dummyHash;

    /// <param name="iterations">The work factor for new hashes; tests pass a small one so signing in often stays cheap.</param>
    public PasswordHasher(int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaximumIterations);
        Iterations = iterations;
        _dummyHash = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    }

    public int Iterations { get; }

    /// <summary>
    /// A hash of a random password nobody knows. A login for an unknown user verifies against it, so it costs the same
    /// time as one for a real user and the response time does not reveal which usernames exist.
    /// </summary>
    public string DummyHash => _dummyHash.Value;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Derive(password, salt, Iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public bool Verify(string password, string stored)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), expected);
    }

    /// <summary>True when the stored hash used fewer iterations than this hasher (or is unreadable).</summary>
    public bool NeedsRehash(string stored) => !TryParse(stored, out var iterations, out _, out _) || iterations < Iterations;

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashSize);

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations is < 1 or > MaximumIterations)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length > 0 && hash.Length == HashSize;
    }
}
