using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Tollgate.Secrets.Aws;

/// <summary>
/// Secrets Manager's JSON 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: secretsmanager.GetSecretValue</c>) signed with
/// SigV4. A web identity is exchanged at STS (<c>AssumeRoleWithWebIdentity</c>, unsigned: the OIDC token is the proof)
/// for temporary keys kept until shortly before they expire. REST rather than the SDK: AWSSDK.SecretsManager is not on
/// NuGet here, and AWSSDK.Core alone would bring a 3 MB runtime for one signed POST.
/// </summary>
internal sealed class AwsSecretsManagerClient : ISecretStoreClient
{
    private const string Service = "secretsmanager";
    private static readonly MediaTypeHeaderValue JsonType = new("application/x-amz-json-1.1");
    private static readonly XNamespace StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly AwsSecretsManagerConfig _config;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly CredentialCache<AwsCredentials> _assumed;

    public AwsSecretsManagerClient(AwsSecretsManagerConfig config, TimeProvider time)
    {
        _config = config;
        _time = time;
        _http = StoreHttp.CreateClient(config);
        _assumed = new CredentialCache<AwsCredentials>(time);
    }

    /// <param name="path">A secret name or ARN.</param>
    public async Task<SecretFetch> FetchAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (credentials, error) = _config.UsesWebIdentity
                ? await _assumed.GetAsync(AssumeRoleAsync, cancellationToken)
                : (new AwsCredentials(_config.AccessKeyId!, _config.SecretAccessKey!, _config.SessionToken), null);
            if (credentials is null)
            {
                return SecretFetch.Fail(error!);
            }

            var body = Encoding.UTF8.GetBytes(StoreHttp.JsonBody(writer => writer.WriteString("SecretId", path)));
            using var request = new HttpRequestMessage(HttpMethod.Post, _config.Endpoint + "/") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = JsonType;
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.GetSecretValue");
            SigV4.Sign(request, body, credentials, _config.Region, Service, _time.GetUtcNow());

            var (status, text, sendError) = await StoreHttp.SendAsync(_http, request, cancellationToken);
            if (sendError is not null)
            {
                return SecretFetch.Fail(sendError);
            }

            // Temporary credentials expire or are revoked; assume the role again once.
            if (status is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest && _config.UsesWebIdentity && attempt == 0
                && text.Contains("ExpiredToken", StringComparison.Ordinal))
            {
                _assumed.Invalidate(credentials);
                continue;
            }

            if (status != HttpStatusCode.OK)
            {
                return SecretFetch.Fail(StoreHttp.Describe(status, text, $"GetSecretValue {path}"));
            }

            return Parse(text, path);
        }
    }

    private static SecretFetch Parse(string text, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.TryGetProperty("SecretString", out var secretString) && secretString.ValueKind == JsonValueKind.String)
            {
                return SecretFetch.Ok(SecretDocument.FromText(secretString.GetString()!));
            }

            if (root.TryGetProperty("SecretBinary", out var binary) && binary.ValueKind == JsonValueKind.String)
            {
                return SecretFetch.Ok(SecretDocument.FromText(Encoding.UTF8.GetString(binary.GetBytesFromBase64())));
            }

            return SecretFetch.Fail($"GetSecretValue {path}: the answer has neither SecretString nor SecretBinary");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return SecretFetch.Fail($"GetSecretValue {path}: unexpected answer");
        }
    }

    private async Task<(AwsCredentials? Value, TimeSpan Lifetime, string? Error)> AssumeRoleAsync(CancellationToken cancellationToken)
    {
        string token;
        try
        {
            // Read at every exchange: EKS rotates the projected token.
            token = (await File.ReadAllTextAsync(_config.WebIdentityTokenFile!, cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, default, $"cannot read the web identity token '{_config.WebIdentityTokenFile}': {ex.GetType().Name}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _config.StsEndpoint + "/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "AssumeRoleWithWebIdentity",
                ["Version"] = "2011-06-15",
                ["RoleArn"] = _config.RoleArn!,
                ["RoleSessionName"] = _config.RoleSessionName,
                ["WebIdentityToken"] = token,
                ["DurationSeconds"] = "3600",
            }),
        };
        var (status, body, error) = await StoreHttp.SendAsync(_http, request, cancellationToken);
        if (error is not null)
        {
            return (null, default, error);
        }

        try
        {
            var xml = XDocument.Parse(body);
            if (status != HttpStatusCode.OK)
            {
                var code = xml.Descendants(StsNamespace + "Code").FirstOrDefault()?.Value;
                var message = xml.Descendants(StsNamespace + "Message").FirstOrDefault()?.Value;
                return (null, default, $"AssumeRoleWithWebIdentity: HTTP {(int)status}: {code} {message}".TrimEnd());
            }

            var credentials = xml.Descendants(StsNamespace + "Credentials").Single();
            var expiration = DateTimeOffset.Parse(Required(credentials, "Expiration"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var assumed = new AwsCredentials(Required(credentials, "AccessKeyId"), Required(credentials, "SecretAccessKey"),
                credentials.Element(StsNamespace + "SessionToken")?.Value);
            var lifetime = expiration - _time.GetUtcNow();
            return (assumed, lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromMinutes(1), null);
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or InvalidOperationException or FormatException)
        {
            return (null, default, $"AssumeRoleWithWebIdentity: HTTP {(int)status}: unexpected answer");
        }
    }

    private static string Required(XElement parent, string name) =>
        parent.Element(StsNamespace + name)?.Value ?? throw new FormatException($"no {name}");

    public void Dispose()
    {
        _http.Dispose();
        _assumed.Dispose();
    }
}
