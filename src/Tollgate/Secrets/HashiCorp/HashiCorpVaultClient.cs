using System.Net;
using System.Text;
using System.Text.Json;

namespace Tollgate.Secrets.HashiCorp;

/// <summary>
/// Vault's HTTP API (developer.hashicorp.com/vault/api-docs): <c>GET /v1/{mount}/data/{path}</c> of the KV v2 engine
/// with <c>X-Vault-Token</c> (and <c>X-Vault-Namespace</c>); AppRole and Kubernetes logins at
/// <c>POST /v1/auth/{mount}/login</c> give a client token kept for its lease. No SDK: VaultSharp is not on NuGet here,
/// and the three calls are small.
/// </summary>
internal sealed class HashiCorpVaultClient : ISecretStoreClient
{
    private readonly HashiCorpVaultConfig _config;
    private readonly HttpClient _http;
    private readonly CredentialCache<string> _login;

    public HashiCorpVaultClient(HashiCorpVaultConfig config, TimeProvider time)
    {
        _config = config;
        _http = StoreHttp.CreateClient(config);
        _login = new CredentialCache<string>(time);
    }

    public async Task<SecretFetch> FetchAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (token, loginError) = _config.Token is { } fixedToken ? (fixedToken, null) : await _login.GetAsync(LoginAsync, cancellationToken);
            if (token is null)
            {
                return SecretFetch.Fail(loginError!);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, $"{_config.Address}/v1/{_config.Mount}/data/{EscapePath(path)}");
            Authorize(request, token);
            var (status, body, error) = await StoreHttp.SendAsync(_http, request, cancellationToken);
            if (error is not null)
            {
                return SecretFetch.Fail(error);
            }

            // A login token can be revoked before its lease ends; log in again once.
            if (status == HttpStatusCode.Forbidden && _config.Token is null && attempt == 0)
            {
                _login.Invalidate(token);
                continue;
            }

            if (status != HttpStatusCode.OK)
            {
                return SecretFetch.Fail(StoreHttp.Describe(status, body, $"reading {_config.Mount}/{path}"));
            }

            return Parse(body, path);
        }
    }

    private SecretFetch Parse(string body, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("data", out var outer) && outer.ValueKind == JsonValueKind.Object
                && outer.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                return SecretFetch.Ok(SecretDocument.FromObject(data));
            }

            // KV v2 answers data.data = null for a deleted latest version.
            return SecretFetch.Fail($"reading {_config.Mount}/{path}: the secret has no data (deleted version, or a KV v1 mount?)");
        }
        catch (JsonException)
        {
            return SecretFetch.Fail($"reading {_config.Mount}/{path}: the answer is not JSON");
        }
    }

    private async Task<(string? Value, TimeSpan Lifetime, string? Error)> LoginAsync(CancellationToken cancellationToken)
    {
        string mount;
        string payload;
        if (_config.AppRoleId is { } roleId)
        {
            mount = _config.AppRoleMount;
            payload = StoreHttp.JsonBody(writer =>
            {
                writer.WriteString("role_id", roleId);
                writer.WriteString("secret_id", _config.AppRoleSecretId);
            });
        }
        else
        {
            string jwt;
            try
            {
                // Read at every login: kubelet rotates projected service-account tokens.
                jwt = (await File.ReadAllTextAsync(_config.KubernetesTokenPath, cancellationToken)).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, default, $"cannot read the Kubernetes service-account token '{_config.KubernetesTokenPath}': {ex.GetType().Name}");
            }

            mount = _config.KubernetesMount;
            payload = StoreHttp.JsonBody(writer =>
            {
                writer.WriteString("role", _config.KubernetesRole);
                writer.WriteString("jwt", jwt);
            });
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_config.Address}/v1/auth/{mount}/login")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (_config.Namespace is { } ns)
        {
            request.Headers.Add("X-Vault-Namespace", ns);
        }

        var (status, body, error) = await StoreHttp.SendAsync(_http, request, cancellationToken);
        if (error is not null)
        {
            return (null, default, error);
        }

        if (status != HttpStatusCode.OK)
        {
            return (null, default, StoreHttp.Describe(status, body, $"logging in at auth/{mount}"));
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var auth = document.RootElement.GetProperty("auth");
            var token = auth.GetProperty("client_token").GetString();
            var lease = auth.TryGetProperty("lease_duration", out var l) && l.TryGetInt64(out var seconds) && seconds > 0 ? seconds : 3600;
            return string.IsNullOrEmpty(token) ? (null, default, $"logging in at auth/{mount}: no client_token") : (token, TimeSpan.FromSeconds(lease), null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, default, $"logging in at auth/{mount}: unexpected answer");
        }
    }

    private void Authorize(HttpRequestMessage request, string token)
    {
        request.Headers.Add("X-Vault-Token", token);
        if (_config.Namespace is { } ns)
        {
            request.Headers.Add("X-Vault-Namespace", ns);
        }
    }

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public void Dispose()
    {
        _http.Dispose();
        _login.Dispose();
    }
}
