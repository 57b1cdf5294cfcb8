using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Tollgate.Caching;

/// <summary>
/// What a request says about caching: <c>Cache-Control: no-cache</c> (do not serve from cache, store the fresh answer),
/// <c>no-store</c> (neither), <c>x-tollgate-cache-ttl</c> (seconds to keep this answer; 0 keeps nothing) and
/// <c>x-tollgate-cache-namespace</c> (a partition of the key, so callers can keep answers apart or share them on purpose).
/// </summary>
internal readonly record struct CacheHeaders(bool NoCache, bool NoStore, int? TtlSeconds, string? Namespace)
{
    public const string Ttl = "x-tollgate-cache-ttl";
    public const string NamespaceHeader = "x-tollgate-cache-namespace";

    public static CacheHeaders Read(IHeaderDictionary headers)
    {
        var noCache = false;
        var noStore = false;
        var cacheControl = headers.CacheControl;
        if (!StringValues.IsNullOrEmpty(cacheControl))
        {
            foreach (var value in cacheControl)
            {
                noCache |= value is not null && value.Contains("no-cache", StringComparison.OrdinalIgnoreCase);
                noStore |= value is not null && value.Contains("no-store", StringComparison.OrdinalIgnoreCase);
            }
        }

        int? ttl = null;
        if (headers.TryGetValue(Ttl, out var ttlValue)
            && int.TryParse(ttlValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            ttl = Math.Min(seconds, 30 * 24 * 3600);
        }

        string? ns = headers.TryGetValue(NamespaceHeader, out var nsValue) && nsValue.ToString() is { Length: > 0 and <= 256 } given ? given : null;
        return new CacheHeaders(noCache, noStore, ttl, ns);
    }
}
