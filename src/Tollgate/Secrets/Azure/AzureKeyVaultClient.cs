using System.Text.Json;

namespace Tollgate.Secrets.Azure;

/// <summary>
/// Key Vault's REST API (<c>GET {vault}/secrets/{name}[/{version}]?api-version=7.4</c>) with an Entra ID token for
/// <c>https://vault.azure.net</c>: client credentials at <c>{authority}/{tenant}/oauth2/v2.0/token</c>, or a managed
/// identity from IMDS (<c>Metadata: true</c>) or App Service's <c>IDENTITY_ENDPOINT</c> (<c>X-IDENTITY-HEADER</c>).
/// Not Azure.Security.KeyVault.Secrets with Azure.Identity: they bring MSAL and Azure.Core (several MB), refuse bearer
/// tokens over plain HTTP and an authority that is not HTTPS, so they could not be tested against a loopback emulator.
/// </summary>
internal sealed class AzureKeyVaultClient : ISecretStoreClient
{
    private const string ApiVersion = "7.4";

    private readonly AzureKeyVaultConfig _config;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly CredentialCache<string> _token;

    public AzureKeyVaultClient(AzureKeyVaultConfig config, TimeProvider time)
    {
        _config = config;
        _time = time;
        _http = StoreHttp.CreateClient(config);
        _token = new CredentialCache<string>(time);
    }

    /// <param name="path"><c>name</c> (current version) or <c>name/version</c>.</param>
    public async Task<SecretFetch> FetchAsync(string path, CancellationToken cancellationToken)
    {
        var parts = path.Split('/');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0))
        {
            return SecretFetch.Fail($"'{path}' is not <secret> or <secret>/<version>");
        }

        return await StoreHttp.GetWithBearerAsync(_http, _token, IssueTokenAsync,
            $"{_config.VaultUrl}/secrets/{string.Join('/', parts.Select(Uri.EscapeDataString))}?api-version={ApiVersion}", $"reading secret {path}", body =>
            {
                try
                {
                    using var document = JsonDocument.Parse(body);
                    var value = document.RootElement.GetProperty("value").GetString();
                    return value is null ? SecretFetch.Fail($"reading secret {path}: no value") : SecretFetch.Ok(SecretDocument.FromText(value));
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    return SecretFetch.Fail($"reading secret {path}: unexpected answer");
                }
            }, cancellationToken);
    }

    private async Task<(string? Value, TimeSpan Lifetime, string? Error)> IssueTokenAsync(CancellationToken cancellationToken)
    {
        using var request = _config.ManagedIdentity ? ManagedIdentityRequest() : ClientCredentialsRequest();
        var (status, body, error) = await StoreHttp.SendAsync(_http, request, cancellationToken);
        return error is not null
            ? (null, default, error)
            : OAuthToken.Read(status, body, _config.ManagedIdentity ? "managed identity token" : "client credentials token", _time.GetUtcNow());
    }

    private HttpRequestMessage ClientCredentialsRequest() =>
        new(HttpMethod.Post, $"{_config.AuthorityHost}/{Uri.EscapeDataString(_config.TenantId!)}/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = _config.ClientId!,
                ["client_secret"] = _config.ClientSecret!,
                ["scope"] = AzureKeyVaultConfig.Resource + "/.default",
            }),
        };

    private HttpRequestMessage ManagedIdentityRequest()
    {
        var appService = _config.IdentityHeader is not null;
        var query = $"api-version={(appService ? "2019-08-01" : "2018-02-01")}&resource={Uri.EscapeDataString(AzureKeyVaultConfig.Resource)}";
        if (_config.ManagedIdentityClientId is { } clientId)
        {
            query += "&client_id=" + Uri.EscapeDataString(clientId);
        }

        var request = new HttpRequestMessage(HttpMethod.Get, $"{_config.ManagedIdentityEndpoint}?{query}");
        if (appService)
        {
            request.Headers.TryAddWithoutValidation("X-IDENTITY-HEADER", _config.IdentityHeader);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("Metadata", "true");
        }

        return request;
    }

    public void Dispose()
    {
        _http.Dispose();
        _token.Dispose();
    }
}
