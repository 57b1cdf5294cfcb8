using System.Net;
using System.Text;
using System.Text.Json;

namespace Tollgate.Secrets;

/// <summary>HTTP plumbing the store clients share: one pooled client per store, and error text that is safe to show.</summary>
internal static class StoreHttp
{
    private const int MaxErrorLength = 300;

    public static HttpClient CreateClient(VaultStoreConfig config) => new(new SocketsHttpHandler
    {
        // Like the provider clients: no ambient proxy or redirects, explicit timeouts, pooled connections.
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(Math.Min(config.TimeoutSeconds, 10)),
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(config.TimeoutSeconds),
    };

    /// <summary>Sends and reads the body, turning transport failures into an error text instead of an exception.</summary>
    public static async Task<(HttpStatusCode Status, string Body, string? Error)> SendAsync(HttpClient client, HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return (response.StatusCode, body, null);
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and the socket error; it never holds headers or bodies.
            return (0, string.Empty, $"cannot reach {request.RequestUri?.GetLeftPart(UriPartial.Authority)}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, string.Empty, $"{request.RequestUri?.GetLeftPart(UriPartial.Authority)} did not answer within {client.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// GET with an OAuth bearer token (Google, Azure): a 401 means the token was revoked or expired early, so it is
    /// forgotten and the call made once more with a fresh one; a 200 body goes to <paramref name="parse"/>.
    /// </summary>
    public static async Task<SecretFetch> GetWithBearerAsync(HttpClient http, CredentialCache<string> tokens,
        Func<CancellationToken, Task<(string? Value, TimeSpan Lifetime, string? Error)>> issue, string url, string what,
        Func<string, SecretFetch> parse, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (token, error) = await tokens.GetAsync(issue, cancellationToken);
            if (token is null)
            {
                return SecretFetch.Fail(error!);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var (status, body, sendError) = await SendAsync(http, request, cancellationToken);
            if (sendError is not null)
            {
                return SecretFetch.Fail(sendError);
            }

            if (status == HttpStatusCode.Unauthorized && attempt == 0)
            {
                tokens.Invalidate(token);
                continue;
            }

            return status == HttpStatusCode.OK ? parse(body) : SecretFetch.Fail(Describe(status, body, what));
        }
    }

    /// <summary>
    /// "HTTP 403: permission denied" from a store's error body, reading the message fields the four stores use. Only
    /// those fields are quoted, capped, so a store that echoes a request cannot leak it through us.
    /// </summary>
    public static string Describe(HttpStatusCode status, string body, string what)
    {
        var message = TryMessage(body);
        var text = message is null ? $"{what}: HTTP {(int)status}" : $"{what}: HTTP {(int)status}: {message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength] + "…";
    }

    private static string? TryMessage(string body)
    {
        if (body.Length == 0 || body.Length > 64 * 1024)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // Vault: {"errors": ["permission denied"]}
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var texts = errors.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()).ToArray();
                return texts.Length == 0 ? null : string.Join("; ", texts);
            }

            // Google and Azure: {"error": {"code", "message"}}; OAuth: {"error": "invalid_client", "error_description"}
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    var code = error.TryGetProperty("code", out var c) ? c.ToString() : null;
                    var text = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                    return code is null ? text : $"{code} {text}".Trim();
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    var description = root.TryGetProperty("error_description", out var d) ? d.GetString() : null;
                    return description is null ? error.GetString() : $"{error.GetString()}: {description}";
                }
            }

            // AWS JSON protocols: {"__type": "...#ResourceNotFoundException", "Message" | "message": "..."}
            if (root.TryGetProperty("__type", out var type))
            {
                var name = type.GetString() ?? string.Empty;
                name = name[(name.LastIndexOf('#') + 1)..];
                var text = root.TryGetProperty("Message", out var m1) ? m1.GetString() : root.TryGetProperty("message", out var m2) ? m2.GetString() : null;
                return text is null ? name : $"{name}: {text}";
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    public static string JsonBody(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
