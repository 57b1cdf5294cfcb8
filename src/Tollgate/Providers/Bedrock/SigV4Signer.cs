using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// AWS Signature Version 4 for one request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
/// <code>
///   canonical request = METHOD \n URI (each segment encoded again) \n query \n headers \n signed header names \n hex(SHA256(body))
///   string to sign    = AWS4-HMAC-SHA256 \n amz-date \n date/region/service/aws4_request \n hex(SHA256(canonical request))
///   signature         = hex(HMAC(HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"), string to sign))
/// </code>
/// Signs host, x-amz-content-sha256, x-amz-date and (with a session token) x-amz-security-token: headers added later
/// (Accept) stay outside the signature, which SigV4 allows. Hand-written rather than AWSSDK.Core: it is ~100 lines,
/// allocation-light, and needs no SDK client objects on the hot path.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var uri = request.RequestUri!;
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));

        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            request.Headers.TryAddWithoutValidation("x-amz-security-token", credentials.SessionToken);
            headers["x-amz-security-token"] = credentials.SessionToken;
        }

        var signature = Signature(request.Method.Method, uri.AbsolutePath, uri.Query, headers, payloadHash, credentials.SecretKey, region, service, amzDate, out var signedHeaders);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{date}/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The hex signature over an already-encoded path and query (public for the test vectors).</summary>
    public static string Signature(string method, string encodedPath, string query, IReadOnlyDictionary<string, string> headers, string payloadHash,
        string secretKey, string region, string service, string amzDate, out string signedHeaders)
    {
        var date = amzDate[..8];
        var names = headers.Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        signedHeaders = string.Join(';', names);
        var lookup = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.Trim(), StringComparer.Ordinal);
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(CanonicalPath(encodedPath)).Append('\n')
            .Append(CanonicalQuery(query)).Append('\n');
        foreach (var name in names)
        {
            canonical.Append(name).Append(':').Append(lookup[name]).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>Every service but S3 encodes each path segment once more (so <c>%3A</c> in a model id becomes <c>%253A</c>).</summary>
    private static string CanonicalPath(string encodedPath) =>
        encodedPath.Length == 0 ? "/" : string.Join('/', encodedPath.Split('/').Select(Uri.EscapeDataString));

    private static string CanonicalQuery(string query)
    {
        var trimmed = query.TrimStart('?');
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        return string.Join('&', trimmed.Split('&')
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Uri.EscapeDataString(Uri.UnescapeDataString(p[0])), Value: p.Length > 1 ? Uri.EscapeDataString(Uri.UnescapeDataString(p[1])) : string.Empty))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
    }
}
