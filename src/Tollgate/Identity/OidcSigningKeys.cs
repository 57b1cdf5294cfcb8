using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Tollgate.Identity;

/// <summary>
/// Resolves the ID token's signing key, re-reading the IdP's JWKS when the token names a key (<c>kid</c>) the cached
/// discovery document does not hold, so the first sign-in after the IdP rotates its key already succeeds. The handler's
/// own <c>RefreshOnIssuerKeyNotFound</c> only requests a refresh for later and fails the sign-in at hand. The re-read is
/// at most once per <see cref="MinimumInterval"/>: the token comes from the IdP's token endpoint (code flow), not the
/// browser, but a misbehaving IdP must not turn every sign-in into a JWKS download.
/// </summary>
internal sealed class OidcSigningKeys(OpenIdConnectOptions options, TimeProvider time)
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private IReadOnlyList<SecurityKey> _fetched = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public IEnumerable<SecurityKey> Resolve(string token, SecurityToken securityToken, string kid, TokenValidationParameters parameters)
    {
        var known = Matching(parameters.IssuerSigningKeys ?? [], kid).Concat(Matching(_fetched, kid)).ToList();
        if (known.Count > 0 || string.IsNullOrEmpty(kid))
        {
            return known.Count > 0 ? known : parameters.IssuerSigningKeys ?? [];
        }

        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _fetchedAt >= MinimumInterval)
            {
                _fetchedAt = now;
                _fetched = Fetch();
                // The discovery cache catches up too, for the next sign-ins.
                options.ConfigurationManager?.RequestRefresh();
            }

            return Matching(_fetched, kid).ToList();
        }
    }

    private static IEnumerable<SecurityKey> Matching(IEnumerable<SecurityKey> keys, string kid) =>
        keys.Where(key => string.Equals(key.KeyId, kid, StringComparison.Ordinal));

    private List<SecurityKey> Fetch()
    {
        // The resolver is synchronous (an IdentityModel delegate); this blocks one sign-in once per rotation.
        using var cancel = new CancellationTokenSource(FetchTimeout);
        var configuration = options.ConfigurationManager!.GetConfigurationAsync(cancel.Token).GetAwaiter().GetResult();
        var json = options.Backchannel.GetStringAsync(configuration.JwksUri, cancel.Token).GetAwaiter().GetResult();
        return [.. new JsonWebKeySet(json).GetSigningKeys()];
    }
}
