using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tollgate.Configuration;

namespace Tollgate.Secrets.Gcp;

/// <summary>
/// Secret Manager's REST API (<c>GET /v1/projects/{p}/secrets/{s}/versions/{v}:access</c>, payload base64) with an
/// OAuth token from the service account's JWT bearer grant (RFC 7523; developers.google.com/identity/protocols/oauth2/service-account):
/// an RS256-signed assertion posted to the key's <c>token_uri</c>. Written with the BCL's RSA rather than Google.Apis.Auth,
/// which would bring Newtonsoft.Json and Google's HTTP stack for one signature and one POST.
/// </summary>
internal sealed class GcpSecretManagerClient : ISecretStoreClient
{
    private const string Scope = "https://www.googleapis.com/auth/cloud-platform";
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);

    private readonly GcpSecretManagerConfig _config;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly CredentialCache<string> _token;
    private readonly RSA _key;

    public GcpSecretManagerClient(GcpSecretManagerConfig config, TimeProvider time)
    {
        _config = config;
        _time = time;
        _http = StoreHttp.CreateClient(config);
        _token = new CredentialCache<string>(time);
        _key = RSA.Create();
        try
        {
            _key.ImportFromPem(config.PrivateKeyPem);
        }
        catch (ArgumentException)
        {
            _key.Dispose();
            throw new ConfigException($"$.vaults.{config.Name}.credentials", "the key's private_key is not a PEM RSA key");
        }
    }

    /// <param name="path"><c>name</c> (latest version) or <c>name/versions/N</c>, or <c>name/N</c>.</param>
    public async Task<SecretFetch> FetchAsync(string path, CancellationToken cancellationToken)
    {
        var parts = path.Split('/');
        var (secret, version) = parts switch
        {
            [var name] => (name, "latest"),
            [var name, var v] => (name, v),
            [var name, "versions", var v] => (name, v),
            _ => (null, null),
        };
        if (secret is null || version is null)
        {
            return SecretFetch.Fail($"'{path}' is not <secret> or <secret>/versions/<version>");
        }

        var what = $"accessing {secret}/versions/{version}";
        return await StoreHttp.GetWithBearerAsync(_http, _token, IssueTokenAsync,
            $"{_config.Endpoint}/v1/projects/{Uri.EscapeDataString(_config.Project)}/secrets/{Uri.EscapeDataString(secret)}/versions/{Uri.EscapeDataString(version)}:access",
            what, body =>
            {
                try
                {
                    using var document = JsonDocument.Parse(body);
                    var data = document.RootElement.GetProperty("payload").GetProperty("data").GetBytesFromBase64();
                    return SecretFetch.Ok(SecretDocument.FromText(Encoding.UTF8.GetString(data)));
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    return SecretFetch.Fail($"{what}: unexpected answer");
                }
            }, cancellationToken);
    }

    private async Task<(string? Value, TimeSpan Lifetime, string? Error)> IssueTokenAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _config.TokenUri)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = Assertion(),
            }),
        };
        var (status, body, error) = await StoreHttp.SendAsync(_http, request, cancellationToken);
        return error is not null ? (null, default, error) : OAuthToken.Read(status, body, "service-account token", _time.GetUtcNow());
    }

    private string Assertion()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var header = StoreHttp.JsonBody(writer =>
        {
            writer.WriteString("alg", "RS256");
            writer.WriteString("typ", "JWT");
            if (_config.PrivateKeyId is { } kid)
            {
                writer.WriteString("kid", kid);
            }
        });
        var claims = StoreHttp.JsonBody(writer =>
        {
            writer.WriteString("iss", _config.ClientEmail);
            writer.WriteString("scope", Scope);
            writer.WriteString("aud", _config.TokenUri);
            writer.WriteNumber("iat", now);
            writer.WriteNumber("exp", now + (long)AssertionLifetime.TotalSeconds);
        });
        var signingInput = $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(claims))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _http.Dispose();
        _token.Dispose();
        _key.Dispose();
    }
}
