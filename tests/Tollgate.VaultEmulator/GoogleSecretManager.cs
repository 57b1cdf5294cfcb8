using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tollgate.VaultEmulator;

/// <summary>
/// Google's OAuth token endpoint for service accounts (<c>POST /gcp/token</c>, JWT bearer grant, RFC 7523: the RS256
/// assertion's signature, issuer, audience, scope and lifetime are checked) and Secret Manager's REST API
/// (<c>GET /gcp/v1/projects/{p}/secrets/{s}/versions/{v}:access</c>, payload base64).
/// </summary>
public sealed class GoogleSecretManager(Func<string> baseUrl)
{
    private readonly ConcurrentDictionary<string, RSA> _serviceAccounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<string>> _secrets = new(StringComparer.Ordinal);

    public string Project { get; set; } = "tollgate-test";

    public Tokens AccessTokens { get; } = new("ya29.emulator-");

    public bool Down { get; set; }

    public int Reads { get; private set; }

    public string TokenUri => baseUrl() + "/gcp/token";

    public string Endpoint => baseUrl() + "/gcp";

    /// <summary>A new service-account key file (the JSON the console downloads), its public half registered here.</summary>
    public string CreateServiceAccountKey(string clientEmail)
    {
        var rsa = RSA.Create(2048);
        _serviceAccounts[clientEmail] = rsa;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", "service_account");
            w.WriteString("project_id", Project);
            w.WriteString("private_key_id", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));
            w.WriteString("private_key", rsa.ExportPkcs8PrivateKeyPem() + "\n");
            w.WriteString("client_email", clientEmail);
            w.WriteString("client_id", "1234567890");
            w.WriteString("auth_uri", "https://accounts.google.com/o/oauth2/auth");
            w.WriteString("token_uri", TokenUri);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Adds a version, which becomes <c>latest</c>.</summary>
    public void AddVersion(string secret, string payload) => _secrets.AddOrUpdate(secret, _ => [payload], (_, versions) =>
    {
        lock (versions)
        {
            versions.Add(payload);
        }

        return versions;
    });

    internal void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/gcp/token", (Delegate)IssueAsync);
        endpoints.MapGet("/gcp/v1/{**rest}", (HttpContext context, string rest) => Access(context, rest));
    }

    private async Task<IResult> IssueAsync(HttpContext context)
    {
        if (Down)
        {
            return OAuthError(503, "temporarily_unavailable", "Service unavailable");
        }

        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return OAuthError(400, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
        }

        var parts = form["assertion"].ToString().Split('.');
        if (parts.Length != 3)
        {
            return OAuthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            var c = claims.RootElement;
            if (header.RootElement.Text("alg") != "RS256" || c.Text("iss") is not { } issuer || !_serviceAccounts.TryGetValue(issuer, out var key))
            {
                return OAuthError(400, "invalid_grant", "Invalid JWT Signature.");
            }

            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!key.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return OAuthError(400, "invalid_grant", "Invalid JWT Signature.");
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var iat = c.GetProperty("iat").GetInt64();
            var exp = c.GetProperty("exp").GetInt64();
            if (c.Text("aud") != TokenUri || exp <= now || exp - iat > 3600 || iat > now + 300)
            {
                return OAuthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
            }

            if (c.Text("scope") is not { } scope || !scope.Split(' ').Contains("https://www.googleapis.com/auth/cloud-platform"))
            {
                return OAuthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return OAuthError(400, "invalid_grant", "Invalid JWT.");
        }

        var token = AccessTokens.Issue(TimeSpan.FromHours(1));
        return Json.Write(200, w =>
        {
            w.WriteString("access_token", token);
            w.WriteNumber("expires_in", 3599);
            w.WriteString("token_type", "Bearer");
        });
    }

    private IResult Access(HttpContext context, string rest)
    {
        if (Down)
        {
            return Error(503, "UNAVAILABLE", "The service is currently unavailable.");
        }

        var auth = context.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !AccessTokens.IsValid(auth[7..]))
        {
            return Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
        }

        // projects/{p}/secrets/{s}/versions/{v}:access
        var parts = rest.Split('/');
        if (parts is not ["projects", var project, "secrets", var secret, "versions", var versionAccess] || !versionAccess.EndsWith(":access", StringComparison.Ordinal))
        {
            return Error(404, "NOT_FOUND", "Method not found.");
        }

        if (project != Project)
        {
            return Error(403, "PERMISSION_DENIED", $"Permission 'secretmanager.versions.access' denied for resource 'projects/{project}/secrets/{secret}/versions/{versionAccess[..^7]}' (or it may not exist).");
        }

        var version = versionAccess[..^7];
        if (!_secrets.TryGetValue(secret, out var versions))
        {
            return Error(404, "NOT_FOUND", $"Secret [projects/{project}/secrets/{secret}] not found or has no versions.");
        }

        string payload;
        int number;
        lock (versions)
        {
            number = version == "latest" ? versions.Count : int.TryParse(version, out var n) ? n : 0;
            if (number < 1 || number > versions.Count)
            {
                return Error(404, "NOT_FOUND", $"Secret Version [projects/{project}/secrets/{secret}/versions/{version}] not found.");
            }

            payload = versions[number - 1];
        }

        Reads++;
        return Json.Write(200, w =>
        {
            w.WriteString("name", $"projects/{project}/secrets/{secret}/versions/{number}");
            w.WriteStartObject("payload");
            w.WriteBase64String("data", Encoding.UTF8.GetBytes(payload));
            w.WriteEndObject();
        });
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }

    private static IResult Error(int code, string status, string message) => Json.Write(code, w =>
    {
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("message", message);
        w.WriteString("status", status);
        w.WriteEndObject();
    });

    private static IResult OAuthError(int status, string error, string description) => Json.Write(status, w =>
    {
        w.WriteString("error", error);
        w.WriteString("error_description", description);
    });
}
