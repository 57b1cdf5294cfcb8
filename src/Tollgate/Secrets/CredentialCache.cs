namespace Tollgate.Secrets;

/// <summary>
/// A store's login (a Vault token, STS credentials, an OAuth access token), kept until shortly before it expires and
/// renewed by one caller at a time, so a refresh round of many secrets logs in once.
/// </summary>
internal sealed class CredentialCache<T>(TimeProvider time) : IDisposable
    where T : class
{
    /// <summary>Renew this long before expiry, or at half the lifetime when that is shorter (clock skew, slow stores).</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _renewal = new(1, 1);
    private T? _value;
    private DateTimeOffset _renewAt;

    public async Task<(T? Value, string? Error)> GetAsync(Func<CancellationToken, Task<(T? Value, TimeSpan Lifetime, string? Error)>> issue,
        CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _value) is { } current && time.GetUtcNow() < _renewAt)
        {
            return (current, null);
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            if (_value is { } renewed && time.GetUtcNow() < _renewAt)
            {
                return (renewed, null);
            }

            var (value, lifetime, error) = await issue(cancellationToken);
            if (value is null)
            {
                return (null, error ?? "login failed");
            }

            var margin = lifetime / 2 < Margin ? lifetime / 2 : Margin;
            _renewAt = time.GetUtcNow() + lifetime - margin;
            Volatile.Write(ref _value, value);
            return (value, null);
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>Forgets a credential the store refused (revoked, rotated), so the next call logs in again.</summary>
    public void Invalidate(T refused) => Interlocked.CompareExchange(ref _value, null, refused);

    public void Dispose() => _renewal.Dispose();
}
