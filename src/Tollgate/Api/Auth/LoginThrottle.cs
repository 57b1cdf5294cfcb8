using System.Collections.Concurrent;

namespace Tollgate.Api.Auth;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failed sign-ins for one username, or from one client
/// address, within <see cref="Window"/>, further attempts answer 429 until the oldest failure leaves the window.
/// In memory per instance (the brief allows it): behind a load balancer an attacker gets at most that many guesses
/// per instance, still far from a useful rate against PBKDF2.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    // Above this many tracked names and addresses, stale ones are swept so a spray of random usernames cannot grow the
    // map without bound.
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>Seconds to wait before the next attempt, or null when the attempt may go ahead.</summary>
    public int? RetryAfterSeconds(string username, string clientAddress)
    {
        var now = time.GetUtcNow();
        var wait = Math.Max(Wait(UserKey(username), now), Wait(AddressKey(clientAddress), now));
        return wait > 0 ? wait : null;
    }

    public void RecordFailure(string username, string clientAddress)
    {
        var now = time.GetUtcNow();
        if (_windows.Count > SweepThreshold)
        {
            Sweep(now);
        }

        _windows.GetOrAdd(UserKey(username), _ => new FailureWindow()).Add(now);
        _windows.GetOrAdd(AddressKey(clientAddress), _ => new FailureWindow()).Add(now);
    }

    /// <summary>A successful sign-in clears its username's failures (not its address's: one known account must not
    /// reset the counter an attacker is running against others from the same address).</summary>
    public void Reset(string username) => _windows.TryRemove(UserKey(username), out _);

    private int Wait(string key, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            return 0;
        }

        var (count, oldest) = window.Trim(now - Window);
        if (count < MaxFailures)
        {
            return 0;
        }

        return Math.Max(1, (int)Math.Ceiling((oldest + Window - now).TotalSeconds));
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, window) in _windows)
        {
            if (window.Trim(now - Window).Count == 0)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    // Case-folded so "Admin" and "admin" share one budget of guesses.
    private static string UserKey(string username) => "u:" + username.ToLowerInvariant();

    private static string AddressKey(string address) => "a:" + address;
}
