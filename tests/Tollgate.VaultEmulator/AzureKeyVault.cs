using System.Collections.Concurrent;

namespace Tollgate.VaultEmulator;

/// <summary>
/// Entra ID's v2 token endpoint for client credentials (<c>POST /azure/login/{tenant}/oauth2/v2.0/token</c>), the
/// managed identity endpoints (IMDS at <c>/azure/imds/metadata/identity/oauth2/token</c> with <c>Metadata: true</c>; App
/// Service at <c>/azure/appservice/msi/token</c> with <c>X-IDENTITY-HEADER</c>) and Key Vault's secrets API
/// (<c>GET /azure/vault/secrets/{name}[/{version}]?api-version=7.x</c>, 401 with a Bearer challenge without a token).
/// </summary>
public sealed class AzureKeyVault(Func<string> baseUrl)
{
    private const string Resource = "https://vault.azure.net";
    private readonly ConcurrentDictionary<string, List<(string Version, string Value)>> _secrets = new(StringComparer.Ordinal);

    public string TenantId { get; set; } = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    /// <summary>Registered applications: client id → client secret.</summary>
    public ConcurrentDictionary<string, string> Applications { get; } = new(StringComparer.Ordinal);

    /// <summary>Identities the machine has: "" for the system-assigned one, else a user-assigned client id.</summary>
    public ConcurrentDictionary<string, bool> ManagedIdentities { get; } = new(StringComparer.Ordinal);

    /// <summary>The App Service <c>IDENTITY_HEADER</c> value its token endpoint requires.</summary>
    public string IdentityHeader { get; set; } = "emulator-identity-header";

    public Tokens AccessTokens { get; } = new("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.emulator.");

    public bool Down { get; set; }

    public int Reads { get; private set; }

    public string AuthorityHost => baseUrl() + "/azure/login";

    public string VaultUrl => baseUrl() + "/azure/vault";

    public string ImdsEndpoint => baseUrl() + "/azure/imds/metadata/identity/oauth2/token";

    public string AppServiceEndpoint => baseUrl() + "/azure/appservice/msi/token";

    public void SetSecret(string name, string value) => _secrets.AddOrUpdate(name, _ => [(Guid.NewGuid().ToString("N"), value)], (_, versions) =>
    {
        lock (versions)
        {
            versions.Add((Guid.NewGuid().ToString("N"), value));
        }

        return versions;
    });

    internal void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/azure/login/{tenant}/oauth2/v2.0/token", async (HttpContext context, string tenant) =>
        {
            if (Down)
            {
                return OAuthError(503, "temporarily_unavailable", "AADSTS90033: A transient error has occurred. Please try again.");
            }

            var form = await context.Request.ReadFormAsync();
            if (tenant != TenantId)
            {
                return OAuthError(400, "invalid_request", $"AADSTS90002: Tenant '{tenant}' not found.");
            }

            if (form["grant_type"] != "client_credentials")
            {
                return OAuthError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
            }

            if (!Applications.TryGetValue(form["client_id"].ToString(), out var secret))
            {
                return OAuthError(400, "unauthorized_client", $"AADSTS700016: Application with identifier '{form["client_id"]}' was not found in the directory.");
            }

            if (secret != form["client_secret"])
            {
                return OAuthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
            }

            if (form["scope"] != Resource + "/.default")
            {
                return OAuthError(400, "invalid_scope", $"AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope {form["scope"]} is not valid.");
            }

            var token = AccessTokens.Issue(TimeSpan.FromHours(1));
            return Json.Write(200, w =>
            {
                w.WriteString("token_type", "Bearer");
                w.WriteNumber("expires_in", 3599);
                w.WriteNumber("ext_expires_in", 3599);
                w.WriteString("access_token", token);
            });
        });

        endpoints.MapGet("/azure/imds/metadata/identity/oauth2/token", (HttpContext context) =>
        {
            var query = context.Request.Query;
            if (context.Request.Headers["Metadata"] != "true")
            {
                return OAuthError(400, "invalid_request", "Required metadata header not specified");
            }

            return ManagedIdentityToken(query["api-version"] == "2018-02-01", query["resource"], query["client_id"], numbersAsStrings: true);
        });

        endpoints.MapGet("/azure/appservice/msi/token", (HttpContext context) =>
        {
            var query = context.Request.Query;
            if (context.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
            {
                return Json.Write(401, w => w.WriteString("message", "Unauthorized: X-IDENTITY-HEADER is missing or wrong"));
            }

            return ManagedIdentityToken(query["api-version"] == "2019-08-01", query["resource"], query["client_id"], numbersAsStrings: false);
        });

        endpoints.MapGet("/azure/vault/secrets/{name}/{version?}", (HttpContext context, string name, string? version) =>
        {
            if (Down)
            {
                return VaultError(503, "ServiceUnavailable", "The service is unavailable.");
            }

            if (!context.Request.Query["api-version"].ToString().StartsWith("7.", StringComparison.Ordinal))
            {
                return VaultError(400, "BadParameter", "The request URI contains an invalid API version.");
            }

            var auth = context.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !AccessTokens.IsValid(auth[7..]))
            {
                context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"{AuthorityHost}/{TenantId}\", resource=\"{Resource}\"";
                return VaultError(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
            }

            if (!_secrets.TryGetValue(name, out var versions))
            {
                return VaultError(404, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");
            }

            (string Version, string Value) found;
            lock (versions)
            {
                var match = version is null ? versions[^1] : versions.FirstOrDefault(v => v.Version == version);
                if (match.Value is null)
                {
                    return VaultError(404, "SecretNotFound", $"A secret with (name/id) {name}/{version} was not found in this key vault.");
                }

                found = match;
            }

            Reads++;
            return Json.Write(200, w =>
            {
                w.WriteString("value", found.Value);
                w.WriteString("id", $"{VaultUrl}/secrets/{name}/{found.Version}");
                w.WriteStartObject("attributes");
                w.WriteBoolean("enabled", true);
                w.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                w.WriteNumber("updated", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                w.WriteString("recoveryLevel", "Recoverable+Purgeable");
                w.WriteEndObject();
                w.WriteStartObject("tags");
                w.WriteEndObject();
            });
        });
    }

    private IResult ManagedIdentityToken(bool apiVersionOk, string? resource, string? clientId, bool numbersAsStrings)
    {
        if (Down)
        {
            return OAuthError(503, "service_unavailable", "Identity endpoint unavailable");
        }

        if (!apiVersionOk)
        {
            return OAuthError(400, "invalid_request", "Invalid api-version");
        }

        if (resource != Resource)
        {
            return OAuthError(400, "invalid_resource", "AADSTS500011: The resource principal was not found.");
        }

        if (!ManagedIdentities.ContainsKey(clientId ?? string.Empty))
        {
            return OAuthError(400, "invalid_request", "Identity not found");
        }

        var token = AccessTokens.Issue(TimeSpan.FromHours(24));
        var expiresOn = DateTimeOffset.UtcNow.AddHours(24).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Json.Write(200, w =>
        {
            w.WriteString("access_token", token);
            w.WriteString("client_id", clientId ?? "system-assigned");
            if (numbersAsStrings)
            {
                // IMDS sends its numbers as strings.
                w.WriteString("expires_in", "86399");
                w.WriteString("ext_expires_in", "86399");
            }

            w.WriteString("expires_on", expiresOn);
            w.WriteString("resource", Resource);
            w.WriteString("token_type", "Bearer");
        });
    }

    private static IResult OAuthError(int status, string error, string description) => Json.Write(status, w =>
    {
        w.WriteString("error", error);
        w.WriteString("error_description", description);
    });

    private static IResult VaultError(int status, string code, string message) => Json.Write(status, w =>
    {
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
    });
}
