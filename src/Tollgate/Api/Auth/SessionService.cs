using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Tollgate.Storage;

namespace Tollgate.Api.Auth;

/// <summary>
/// Admin UI sessions. The cookie carries 32 random bytes; the store keeps only their SHA-256, the user, a CSRF token
/// and the times. A session ends after <see cref="IdleTimeout"/> without requests (sliding) and at the latest
/// <see cref="AbsoluteLifetime"/> after sign-in. Sessions live in the gateway store so every instance sharing it
/// accepts them; a few seconds of in-memory cache spare the store a read per request.
/// </summary>
internal sealed class SessionService(IGatewayStore store, TimeProvider time)
{
    public const string CookieName = "tollgate_session";
    public const string CsrfHeader = "x-csrf-token";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(12);
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromDays(7);

    // How stale another instance's view may be: a session ended (logout, user deleted) on one instance is still
    // accepted by the others for at most this long. On the instance that ended it, it stops at once.
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(5);

    // The idle deadline slides in steps, so a busy UI writes to the store once a minute, not on every request.
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);
    private const int CacheSweepThreshold = 1_000;

    private readonly ConcurrentDictionary<string, (AdminCaller Caller, StoredSession Session, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    public NewSession Create(string username)
    {
        var token = RandomToken();
        var now = time.GetUtcNow();
        var session = new StoredSession(IdOf(token), username, RandomToken(), now, now, now + IdleTimeout);
        store.AddSession(session);
        return new NewSession(token, session);
    }

    /// <summary>The caller behind a cookie token, or null when the session is unknown, expired or its user gone.</summary>
    public AdminCaller? Validate(string token)
    {
        var id = IdOf(token);
        var now = time.GetUtcNow();
        AdminCaller caller;
        StoredSession session;
        if (_cache.TryGetValue(id, out var cached) && now - cached.FetchedAt < CacheTtl && cached.Session.ExpiresAt > now)
        {
            (caller, session) = (cached.Caller, cached.Session);
        }
        else
        {
            if (store.GetSession(id, now) is not { } stored
                || store.GetUser(stored.Username) is not { } user
                || !AdminRoles.TryParseStored(user.Role, out var role, out var teamId))
            {
                _cache.TryRemove(id, out _);
                return null;
            }

            (caller, session) = (new AdminCaller(user.Username, role, id, stored.CsrfToken, teamId), stored);
            if (_cache.Count > CacheSweepThreshold)
            {
                Sweep(now);
            }

            _cache[id] = (caller, session, now);
        }

        if (now - session.LastSeenAt >= TouchInterval)
        {
            var expires = Min(now + IdleTimeout, session.CreatedAt + AbsoluteLifetime);
            store.TouchSession(id, now, expires);
            _cache[id] = (caller, session with { LastSeenAt = now, ExpiresAt = expires }, now);
        }

        return caller;
    }

    public void End(string sessionId)
    {
        _cache.TryRemove(sessionId, out _);
        store.DeleteSession(sessionId);
    }

    /// <summary>Ends every session of a user (role or password changed, user deleted), except <paramref name="exceptId"/>.</summary>
    public void EndAllOf(string username, string? exceptId = null)
    {
        Forget(username, exceptId);
        store.DeleteUserSessions(username, exceptId);
    }

    /// <summary>Drops every cached session: another instance changed sessions or users (cluster mode), so re-read them.</summary>
    public void ForgetAll() => _cache.Clear();

    /// <summary>Drops a user's sessions from this instance's cache (after the store already deleted them).</summary>
    public void Forget(string username, string? exceptId = null)
    {
        foreach (var (id, entry) in _cache)
        {
            if (entry.Caller.Username == username && id != exceptId)
            {
                _cache.TryRemove(id, out _);
            }
        }
    }

    public static string IdOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static void WriteCookie(HttpContext context, NewSession session) =>
        context.Response.Cookies.Append(CookieName, session.Token, CookieOptions(context, session.Session.CreatedAt + AbsoluteLifetime));

    public static void ExpireCookie(HttpContext context) => context.Response.Cookies.Delete(CookieName, CookieOptions(context, expires: null));

    /// <summary>
    /// HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot make the browser send it), Secure when the
    /// client reached us over HTTPS, directly or through a TLS-terminating proxy that says so in X-Forwarded-Proto.
    /// </summary>
    private static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Secure = IsHttps(context),
        Expires = expires,
        IsEssential = true,
    };

    private static bool IsHttps(HttpContext context)
    {
        if (context.Request.IsHttps)
        {
            return true;
        }

        // The first entry is the protocol the client used with the outermost proxy.
        var forwarded = context.Request.Headers["X-Forwarded-Proto"].ToString();
        var first = forwarded.Split(',', 2)[0].Trim();
        return first.Equals("https", StringComparison.OrdinalIgnoreCase);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (id, entry) in _cache)
        {
            if (now - entry.FetchedAt >= CacheTtl)
            {
                _cache.TryRemove(id, out _);
            }
        }
    }

    private static string RandomToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
