using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Tollgate.VaultEmulator;

/// <summary>
/// AWS Secrets Manager's JSON 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: secretsmanager.GetSecretValue</c>) at
/// <c>/aws/sm</c>, every call's SigV4 signature recomputed and checked, and STS <c>AssumeRoleWithWebIdentity</c> (Query
/// protocol, XML answers) at <c>/aws/sts</c>. The verifier is written apart from the gateway's signer on purpose.
/// </summary>
public sealed class AwsSecretsManager
{
    private static readonly XNamespace Sts = "https://sts.amazonaws.com/doc/2011-06-15/";
    private readonly ConcurrentDictionary<string, (string Value, string VersionId)> _secrets = new(StringComparer.Ordinal);

    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key id → secret key and, for temporary credentials, the session token that must come with it.</summary>
    public ConcurrentDictionary<string, (string SecretKey, string? SessionToken)> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Role ARN → the web identity token (an OIDC JWT on EKS) STS accepts for it.</summary>
    public ConcurrentDictionary<string, string> WebIdentityRoles { get; } = new(StringComparer.Ordinal);

    public TimeSpan AssumedRoleLifetime { get; set; } = TimeSpan.FromHours(1);

    public bool Down { get; set; }

    public int Reads { get; private set; }

    public int AssumeRoleCalls { get; private set; }

    public int RejectedSignatures { get; private set; }

    public void Put(string name, string secretString) => _secrets[name] = (secretString, Guid.NewGuid().ToString());

    internal void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/aws/sm/", (Delegate)HandleAsync);
        endpoints.MapPost("/aws/sts/", (Delegate)AssumeRoleAsync);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        if (Down)
        {
            return Error(503, "ServiceUnavailable", "Service is unavailable.");
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (Verify(context.Request, body) is { } rejection)
        {
            RejectedSignatures++;
            return rejection;
        }

        if (context.Request.Headers["X-Amz-Target"] != "secretsmanager.GetSecretValue")
        {
            return Error(400, "UnknownOperationException", string.Empty);
        }

        string? secretId;
        try
        {
            using var json = JsonDocument.Parse(body);
            secretId = json.RootElement.Text("SecretId");
        }
        catch (JsonException)
        {
            return Error(400, "SerializationException", "Start of structure or map found where not expected.");
        }

        if (secretId is null || !_secrets.TryGetValue(secretId, out var secret))
        {
            return Error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }

        Reads++;
        return Json.Write(200, w =>
        {
            w.WriteString("ARN", $"arn:aws:secretsmanager:{Region}:123456789012:secret:{secretId}-AbCdEf");
            w.WriteString("Name", secretId);
            w.WriteString("VersionId", secret.VersionId);
            w.WriteString("SecretString", secret.Value);
            w.WriteStartArray("VersionStages");
            w.WriteStringValue("AWSCURRENT");
            w.WriteEndArray();
            w.WriteNumber("CreatedDate", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }, "application/x-amz-json-1.1");
    }

    /// <summary>SigV4 as AWS checks it: credential scope, clock skew, session token, then the recomputed signature.</summary>
    private IResult? Verify(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Algorithm = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Algorithm, StringComparison.Ordinal))
        {
            return Error(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        var fields = authorization[Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders)
            || !fields.TryGetValue("Signature", out var signature))
        {
            return Error(400, "IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || !Keys.TryGetValue(scope[0], out var key))
        {
            return Error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        if (scope[2] != Region || scope[3] != "secretsmanager" || scope[4] != "aws4_request")
        {
            return Error(400, "InvalidSignatureException", $"Credential should be scoped to a valid region and service ({scope[2]}/{scope[3]}).");
        }

        var signed = signedHeaders.Split(';');
        if (!signed.Contains("host") || !signed.Contains("x-amz-date"))
        {
            return Error(400, "InvalidSignatureException", "Host and x-amz-date must be signed.");
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || scope[1] != amzDate[..8])
        {
            return Error(400, "InvalidSignatureException", "x-amz-date is missing or does not match the credential scope.");
        }

        if ((DateTimeOffset.UtcNow - signedAt).Duration() > TimeSpan.FromMinutes(5))
        {
            return Error(400, "InvalidSignatureException", $"Signature expired: {amzDate} is now earlier or later than the allowed 5 minutes.");
        }

        if (key.SessionToken is not null && (request.Headers["x-amz-security-token"] != key.SessionToken || !signed.Contains("x-amz-security-token")))
        {
            return Error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var canonical = new StringBuilder();
        canonical.Append(request.Method).Append('\n').Append(request.Path.Value).Append('\n').Append(string.Empty).Append('\n');
        foreach (var name in signed)
        {
            var value = name == "host" ? request.Host.Value : request.Headers[name].ToString();
            canonical.Append(name).Append(':').Append(value?.Trim()).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(body)));
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, string.Join('/', scope[1..]),
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()))));
        var signingKey = Encoding.UTF8.GetBytes("AWS4" + key.SecretKey);
        foreach (var part in scope[1..])
        {
            signingKey = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(part));
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : Error(400, "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    private async Task<IResult> AssumeRoleAsync(HttpContext context)
    {
        if (Down)
        {
            return StsError(503, "Receiver", "ServiceUnavailable", "Service is unavailable.");
        }

        var form = await context.Request.ReadFormAsync();
        if (form["Action"] != "AssumeRoleWithWebIdentity" || form["Version"] != "2011-06-15")
        {
            return StsError(400, "Sender", "InvalidAction", "Could not find operation " + form["Action"]);
        }

        var roleArn = form["RoleArn"].ToString();
        if (!WebIdentityRoles.TryGetValue(roleArn, out var expected))
        {
            return StsError(403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }

        if (form["WebIdentityToken"] != expected || string.IsNullOrEmpty(form["RoleSessionName"]))
        {
            return StsError(400, "Sender", "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider.");
        }

        AssumeRoleCalls++;
        var accessKey = "ASIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var sessionToken = "FwoGZXIvYXdz" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        Keys[accessKey] = (secretKey, sessionToken);
        var expiration = DateTimeOffset.UtcNow + AssumedRoleLifetime;
        var xml = new XDocument(new XElement(Sts + "AssumeRoleWithWebIdentityResponse",
            new XElement(Sts + "AssumeRoleWithWebIdentityResult",
                new XElement(Sts + "SubjectFromWebIdentityToken", "system:serviceaccount:tollgate:tollgate"),
                new XElement(Sts + "AssumedRoleUser",
                    new XElement(Sts + "Arn", roleArn.Replace(":role/", ":assumed-role/") + "/" + form["RoleSessionName"]),
                    new XElement(Sts + "AssumedRoleId", "AROA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)))),
                new XElement(Sts + "Credentials",
                    new XElement(Sts + "SessionToken", sessionToken),
                    new XElement(Sts + "SecretAccessKey", secretKey),
                    new XElement(Sts + "Expiration", expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                    new XElement(Sts + "AccessKeyId", accessKey)),
                new XElement(Sts + "Audience", "sts.amazonaws.com")),
            new XElement(Sts + "ResponseMetadata", new XElement(Sts + "RequestId", Guid.NewGuid().ToString()))));
        return Results.Text(xml.ToString(), "text/xml", Encoding.UTF8, 200);
    }

    private static IResult Error(int status, string type, string message) => Json.Write(status, w =>
    {
        w.WriteString("__type", type);
        w.WriteString("message", message);
    }, "application/x-amz-json-1.1");

    private static IResult StsError(int status, string kind, string code, string message)
    {
        var xml = new XDocument(new XElement(Sts + "ErrorResponse",
            new XElement(Sts + "Error", new XElement(Sts + "Type", kind), new XElement(Sts + "Code", code), new XElement(Sts + "Message", message)),
            new XElement(Sts + "RequestId", Guid.NewGuid().ToString())));
        return Results.Text(xml.ToString(), "text/xml", Encoding.UTF8, status);
    }
}
