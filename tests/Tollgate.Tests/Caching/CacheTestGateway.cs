using System.Net.Http.Headers;
using System.Text;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Caching;

/// <summary>Helpers shared by the cache tests: a config with a cache section and three virtual keys, and a POST.</summary>
internal static class CacheTestGateway
{
    public const string VkA = "sk-tg-cache-key-a-00000000001";
    public const string VkB = "sk-tg-cache-key-b-00000000002";
    public const string VkTeamMate = "sk-tg-cache-key-c-00000000003";
    public const string VkNoCache = "sk-tg-cache-key-d-00000000004";

    /// <summary>The functional config plus <paramref name="cacheSection"/> and keys A and C in team "ml", B alone, D with caching off.</summary>
    public static string Config(EmulatorHost emulator, string cacheSection, string extraProviders = "")
    {
        var config = GatewayFixture.BuildConfig(emulator, extraProviders).TrimEnd();
        return config[..^1] + $$"""
            ,
            "cache": {{cacheSection}},
            "governance": {
              "teams": [{ "id": "ml", "name": "ML" }],
              "virtual_keys": [
                { "id": "vk-a", "name": "a", "value": "{{VkA}}", "team_id": "ml" },
                { "id": "vk-b", "name": "b", "value": "{{VkB}}" },
                { "id": "vk-c", "name": "c", "value": "{{VkTeamMate}}", "team_id": "ml" },
                { "id": "vk-d", "name": "d", "value": "{{VkNoCache}}", "cache": { "enabled": false } }
              ]
            }
            }
            """;
    }

    public static async Task<HttpResponseMessage> PostAsync(this GatewayHost gateway, string path, string body, string? key = VkA,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (path.StartsWith("/anthropic", StringComparison.Ordinal))
        {
            request.Headers.Add("x-api-key", key ?? "none");
            request.Headers.Add("anthropic-version", "2023-06-01");
        }
        else if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public static string? CacheStatus(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-tollgate-cache", out var values) ? values.Single() : null;
}
