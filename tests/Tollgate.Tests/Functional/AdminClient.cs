using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tollgate.Tests.Functional;

/// <summary>Small helpers to call the admin API and inference endpoints from tests.</summary>
internal static class AdminClient
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> AdminAsync(this GatewayHost gateway, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await gateway.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return (response, body);
    }

    public static async Task<HttpResponseMessage> ChatAsync(this GatewayHost gateway, string model, string? virtualKey, bool stream = false, int maxTokens = 20, string content = "hello there governance")
    {
        var streaming = stream ? ""","stream":true,"stream_options":{"include_usage":true}""" : "";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","max_tokens":{{maxTokens}}{{streaming}},"messages":[{"role":"user","content":"{{content}}"}]}""",
                Encoding.UTF8, "application/json"),
        };
        if (virtualKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", virtualKey);
        }

        var response = await gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public static decimal CostHeader(this HttpResponseMessage response) =>
        decimal.Parse(response.Headers.GetValues("x-tollgate-cost-usd").Single(), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<JsonElement> ErrorAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
}
