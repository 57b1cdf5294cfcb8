using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api.Auth;

/// <summary>
/// Calls a gateway the way the admin UI does: login, then the session cookie and the CSRF header. Cookies are handled by
/// hand (no CookieContainer), so each test sees exactly which cookie and header a request carried.
/// </summary>
internal sealed class UiClient : IDisposable
{
    private readonly HttpClient _http;

    public UiClient(GatewayHost gateway)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(gateway.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The <c>tollgate_session</c> cookie's value from the last login (null before, or after logout).</summary>
    public string? SessionToken { get; set; }

    public string? CsrfToken { get; set; }

    public async Task<Reply> LoginAsync(string username, string password, Action<HttpRequestMessage>? configure = null)
    {
        var reply = await SendAsync(HttpMethod.Post, "/api/auth/login", JsonSerializer.Serialize(new { username, password }), csrf: null, session: false, configure);
        if (reply.Status == HttpStatusCode.OK)
        {
            SessionToken = SessionCookie(reply.Response)?.Value.Value;
            CsrfToken = reply.Body.GetProperty("csrf_token").GetString();
        }

        return reply;
    }

    public Task<Reply> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary>Sends with the session cookie and, unless told otherwise, this session's CSRF token.</summary>
    public Task<Reply> SendAsync(HttpMethod method, string path, string? json = null) => SendAsync(method, path, json, CsrfToken, session: true);

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? json, string? csrf, bool session = true, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (session && SessionToken is not null)
        {
            request.Headers.Add("Cookie", $"tollgate_session={SessionToken}");
        }

        if (csrf is not null)
        {
            request.Headers.Add("x-csrf-token", csrf);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response, text, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    public static SetCookieHeaderValue? SessionCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => SetCookieHeaderValue.Parse(v)).FirstOrDefault(c => c.Name == "tollgate_session")
            : null;

    public void Dispose() => _http.Dispose();

    internal sealed record Reply(HttpResponseMessage Response, string Text, JsonElement Body)
    {
        public HttpStatusCode Status => Response.StatusCode;

        public string? ErrorCode => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() : null;
    }
}
