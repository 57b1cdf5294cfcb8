using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Tollgate.Providers.Google;

/// <summary>
/// OAuth access tokens for a Google service account (Vertex AI): a JWT signed RS256 with the account's private key,
/// exchanged at its <c>token_uri</c> (<c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c>), as Google's
/// client libraries do. The token is cached until shortly before <c>expires_in</c>; concurrent callers share one refresh.
/// </summary>
// The semaphore never allocates a wait handle (WaitAsync only); the RSA key lives as long as the registry keeps us.
#pragma warning disable CA1001
internal sealed class GoogleServiceAccountCredential : ICredential
#pragma warning restore CA1001
{
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";
    public const string DefaultTokenUri = "https://oauth2.googleapis.com/token";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);

    private readonly ServiceAccountKey _key;
    private readonly HttpMessageInvoker _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile CachedToken? _token;

    public GoogleServiceAccountCredential(ServiceAccountKey key, HttpMessageInvoker http, TimeProvider time, ILogger logger)
    {
        _key = key;
        _http = http;
        _time = time;
        _logger = logger;
    }

    public bool CanRefresh => true;

    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        var token = _token;
        if (token is not null && token.RefreshAt > _time.GetUtcNow())
        {
            return token.Value;
        }

        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            token = _token;
            if (token is not null && token.RefreshAt > _time.GetUtcNow())
            {
                return token.Value;
            }

            token = await FetchAsync(cancellationToken).ConfigureAwait(false);
            _token = token;
            return token.Value;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    public void Invalidate(string rejected)
    {
        var token = _token;
        if (token is not null && token.Value == rejected)
        {
            Interlocked.CompareExchange(ref _token, null, token);
        }
    }

    /// <summary>The signed JWT assertion for <paramref name="now"/> (public for tests).</summary>
    public string CreateAssertion(DateTimeOffset now)
    {
        var header = new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (_key.PrivateKeyId is { Length: > 0 } kid)
        {
            header["kid"] = kid;
        }

        var issued = now.ToUnixTimeSeconds();
        var claims = $$"""{"iss":{{JsonSerializer.Serialize(_key.ClientEmail, GoogleJsonContext.Default.String)}},"scope":"{{Scope}}","aud":{{JsonSerializer.Serialize(_key.TokenUri, GoogleJsonContext.Default.String)}},"iat":{{issued}},"exp":{{issued + (long)AssertionLifetime.TotalSeconds}}}""";
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header, GoogleJsonContext.Default.DictionaryStringString)) + "." + Base64Url(Encoding.UTF8.GetBytes(claims));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(_key.PrivateKeyPem);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private async Task<CachedToken> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _key.TokenUri)
        {
            Content = new FormUrlEncodedContent([
                new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                new("assertion", CreateAssertion(_time.GetUtcNow())),
            ]),
        };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            _logger.LogWarning("Google OAuth token request to {Endpoint} failed with HTTP {Status}", _key.TokenUri, (int)response.StatusCode);
            throw new CredentialException((int)response.StatusCode,
                $"Google OAuth token request failed with HTTP {(int)response.StatusCode}; check the service account key in vertex_key_config.auth_credentials.");
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { Length: > 0 } value)
        {
            throw new CredentialException(502, "Google OAuth token response had no access_token.");
        }

        var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(60);
        var margin = TimeSpan.FromTicks(Math.Min(RefreshMargin.Ticks, lifetime.Ticks / 10));
        return new CachedToken(value, _time.GetUtcNow() + lifetime - margin);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);
}
