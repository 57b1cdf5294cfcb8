using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Tollgate.Providers.Databricks;

/// <summary>
/// OAuth machine-to-machine tokens for a Databricks service principal: <c>POST {host}/oidc/v1/token</c> with Basic
/// <c>client_id:client_secret</c> and <c>grant_type=client_credentials&amp;scope=all-apis</c>. The token is cached until
/// shortly before <c>expires_in</c>; concurrent callers share one refresh (double-checked under a semaphore), so 200
/// concurrent requests cause one token request.
/// </summary>
// The semaphore never allocates a wait handle (WaitAsync only), so it holds nothing to dispose.
#pragma warning disable CA1001
internal sealed class DatabricksOAuthCredential : ICredential
#pragma warning restore CA1001
{
    /// <summary>Refresh this long before expiry, so a token never expires in flight. Capped at a tenth of short lifetimes.</summary>
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(2);

    private readonly Uri _tokenEndpoint;
    private readonly string _basicAuth;
    private readonly HttpMessageInvoker _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile CachedToken? _token;

    public DatabricksOAuthCredential(string host, string clientId, string clientSecret, HttpMessageInvoker http, TimeProvider time, ILogger logger)
    {
        _tokenEndpoint = new Uri(host.TrimEnd('/') + "/oidc/v1/token");
        _basicAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}"));
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
            // Only the caller holding the rejected token clears it; a fresher token fetched meanwhile stays.
            Interlocked.CompareExchange(ref _token, null, token);
        }
    }

    private async Task<CachedToken> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _tokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "all-apis")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basicAuth);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            _logger.LogWarning("Databricks OAuth token request to {Endpoint} failed with HTTP {Status}", _tokenEndpoint, (int)response.StatusCode);
            throw new CredentialException((int)response.StatusCode,
                $"Databricks OAuth token request failed with HTTP {(int)response.StatusCode}; check the service principal's client_id and client_secret.");
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { Length: > 0 } value)
        {
            throw new CredentialException(502, "Databricks OAuth token response had no access_token.");
        }

        var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(60);
        var margin = TimeSpan.FromTicks(Math.Min(RefreshMargin.Ticks, lifetime.Ticks / 10));
        return new CachedToken(value, _time.GetUtcNow() + lifetime - margin);
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);
}
