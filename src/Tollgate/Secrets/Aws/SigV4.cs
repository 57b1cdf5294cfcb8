using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Secrets.Aws;

/// <summary>
/// AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
/// canonical request → string to sign → HMAC chain of date, region, service → <c>Authorization</c> header. Written here
/// rather than taken from AWSSDK.Core because the SDK's signer only signs its own request type, which means its whole
/// runtime pipeline for one call; the test checks this against the worked example in AWS's documentation.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Adds <c>x-amz-date</c>, <c>x-amz-security-token</c> (when the credentials have one) and <c>Authorization</c>.</summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove("x-amz-date");
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (credentials.SessionToken is { } token)
        {
            request.Headers.Remove("x-amz-security-token");
            request.Headers.TryAddWithoutValidation("x-amz-security-token", token);
        }

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.RequestUri!.IsDefaultPort ? request.RequestUri.Host : $"{request.RequestUri.Host}:{request.RequestUri.Port}",
        };
        foreach (var header in request.Headers)
        {
            if (!header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && !header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                headers[header.Key.ToLowerInvariant()] = string.Join(',', header.Value.Select(Trim));
            }
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    headers[header.Key.ToLowerInvariant()] = string.Join(',', header.Value.Select(Trim));
                }
            }
        }

        var signature = Signature(request.Method.Method, request.RequestUri, headers, body, credentials.SecretAccessKey, region, service, now,
            out var signedHeaders, out var scope);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The hex signature of a request whose headers are given lower-cased (the emulator verifies with this too).</summary>
    public static string Signature(string method, Uri uri, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string secretKey,
        string region, string service, DateTimeOffset now, out string signedHeaders, out string scope)
    {
        var date = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var names = headers.Keys.Order(StringComparer.Ordinal).ToArray();
        signedHeaders = string.Join(';', names);
        scope = $"{date}/{region}/{service}/aws4_request";

        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(CanonicalPath(uri.AbsolutePath)).Append('\n')
            .Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var name in names)
        {
            canonical.Append(name).Append(':').Append(headers[name]).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Hex(SHA256.HashData(body)));

        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    private static string Trim(string value) => string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Each segment URI-encoded once (all services but S3), "/" for an empty path.</summary>
    private static string CanonicalPath(string absolutePath)
    {
        if (absolutePath.Length == 0)
        {
            return "/";
        }

        return string.Join('/', absolutePath.Split('/').Select(segment => Encode(Uri.UnescapeDataString(segment))));
    }

    private static string CanonicalQuery(string query)
    {
        if (query.Length <= 1)
        {
            return string.Empty;
        }

        var pairs = query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            return (Name: Encode(name), Value: Encode(value));
        });
        return string.Join('&', pairs.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>RFC 3986 unreserved characters stay, everything else is %XX in upper case, as SigV4 requires.</summary>
    private static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
