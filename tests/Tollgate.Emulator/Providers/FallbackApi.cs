using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>Unknown routes get the 404 body the provider would send, so a gateway with a wrong URL template fails recognisably.</summary>
internal static class FallbackApi
{
    public static IEndpointConventionBuilder MapProviderFallback(this IEndpointRouteBuilder app) =>
        app.MapFallback("{*path}", NotFoundAsync);

    private static Task NotFoundAsync(HttpContext ctx)
    {
        var provider = ProviderNames.FromPath(ctx.Request.Path);
        var method = ctx.Request.Method;
        var rest = provider == ProviderNames.Unknown ? ctx.Request.Path.Value : ctx.Request.Path.Value?[(provider.Length + 1)..];
        JsonObject body = provider switch
        {
            ProviderNames.OpenAI => ErrorBodies.OpenAI($"Invalid URL ({method} {rest})", "invalid_request_error", null, null),
            ProviderNames.Azure => ErrorBodies.Azure("404", "Resource not found"),
            ProviderNames.Anthropic => ErrorBodies.Anthropic("not_found_error", "Not Found"),
            ProviderNames.Databricks => ErrorBodies.Databricks("ENDPOINT_NOT_FOUND", $"No API found for '{method} {rest}'"),
            ProviderNames.Compat => new JsonObject { ["detail"] = "Not Found" },
            _ => new JsonObject
            {
                ["error"] = $"No emulator route for {method} {rest}. Prefixes: /openai/v1, /azure, /anthropic, /databricks, /compat/v1, /_emulator.",
            },
        };
        return JsonOut.WriteAsync(ctx, 404, body);
    }
}
