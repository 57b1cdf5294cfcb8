using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Tollgate.VaultEmulator;

/// <summary>Bearer tokens a store issued, with their expiry; revoking them is how tests force a new login.</summary>
public sealed class Tokens(string prefix)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);

    public int Issued { get; private set; }

    public string Issue(TimeSpan lifetime)
    {
        var token = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _issued[token] = DateTimeOffset.UtcNow + lifetime;
        Issued++;
        return token;
    }

    public bool IsValid(string? token) => token is not null && _issued.TryGetValue(token, out var expiry) && DateTimeOffset.UtcNow < expiry;

    public void RevokeAll() => _issued.Clear();
}
