using System.Net.Http.Headers;
using System.Text.Json;
using Tollgate.Operations.Alerts;

namespace Tollgate.Guardrails.External;

/// <summary>
/// The outbound side every external check shares: one named client from <see cref="IHttpClientFactory"/> whose connect
/// step goes through <see cref="OutboundAddressGuard"/> (no link-local or cloud metadata addresses), and a send that
/// turns every failure (network, timeout, non-2xx, bad JSON) into an error text that never holds content or keys.
/// </summary>
internal static class GuardrailHttp
{
    public const string ClientName = "tollgate-guardrails";

    public static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>A POST of a JSON body; the caller adds its authentication header.</summary>
    public static HttpRequestMessage JsonPost(string url, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        return request;
    }

    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = await OutboundAddressGuard.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, allowLinkLocal: false, cancellationToken)
                .ConfigureAwait(false);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        },
    };

    /// <summary>Sends and parses a JSON answer; <paramref name="what"/> names the provider in error texts.</summary>
    public static async Task<(JsonDocument? Document, string? Error)> SendAsync(HttpClient http, HttpRequestMessage request, string what,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // The status only: provider error bodies may quote the request text.
                return (null, $"{what}: HTTP {(int)response.StatusCode}");
            }

            try
            {
                return (JsonDocument.Parse(body), null);
            }
            catch (JsonException)
            {
                return (null, $"{what}: the answer is not JSON");
            }
        }
        catch (HttpRequestException ex)
        {
            return (null, $"{what}: cannot reach {request.RequestUri?.GetLeftPart(UriPartial.Authority)} ({ex.HttpRequestError})");
        }
        catch (OperationCanceledException)
        {
            // The rule's timeout (the engine's token) or the client's own timeout: either way the check could not decide.
            return (null, $"{what}: no answer within the rule's timeout");
        }
    }

}
