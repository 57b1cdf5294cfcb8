using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// A Databricks workspace under <c>/databricks</c>: OAuth M2M token endpoint, endpoint discovery, and serving
/// endpoints in both the invocations and the OpenAI-compatible forms. Bearer PATs starting with
/// <c>dapi-test</c> or unexpired OAuth tokens it issued are accepted.
/// </summary>
internal static class DatabricksApi
{
    public const string ValidPatPrefix = "dapi-test";
    public const string ValidClientIdPrefix = "sp-test";

    private const string CredentialMessage = "Credential was not sent or was of an unsupported type for this API.";

    public static OpenAIDialect Dialect { get; } = new()
    {
        Provider = ProviderNames.Databricks,
        WriteError = static (ctx, e) => JsonOut.WriteAsync(ctx, e.Status, ErrorBodies.Databricks(ErrorBodies.DatabricksCodeFor(e.Status), e.Message)),
        IncludeUsageOption = false,
        RunningUsageInChunks = true,
        RoleInFirstContentDelta = true,
        SendsDone = static ctx => ctx.EmuState().DatabricksStreamSendsDone,
        SupportsBase64Embeddings = false,
        ChatIdPrefix = "chatcmpl_",
    };

    public static RouteGroupBuilder MapDatabricks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/databricks");
        group.MapGet("/oidc/.well-known/oauth-authorization-server", DiscoveryAsync);
        group.MapPost("/oidc/v1/token", TokenAsync);
        group.MapGet("/api/2.0/serving-endpoints", ListEndpointsAsync);
        group.MapGet("/api/2.0/serving-endpoints/{name}", GetEndpointAsync);
        group.MapPost("/serving-endpoints/{name}/invocations", InvocationsAsync);
        group.MapPost("/serving-endpoints/chat/completions", ctx => OpenAICompatibleAsync(ctx, DatabricksEndpoint.ChatTask));
        group.MapPost("/serving-endpoints/completions", ctx => OpenAICompatibleAsync(ctx, DatabricksEndpoint.CompletionsTask));
        group.MapPost("/serving-endpoints/embeddings", ctx => OpenAICompatibleAsync(ctx, DatabricksEndpoint.EmbeddingsTask));
        return group;
    }

    /// <summary>The Databricks SDKs discover the token endpoint here before their first token call.</summary>
    private static Task DiscoveryAsync(HttpContext ctx)
    {
        var oidc = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}/databricks/oidc";
        return JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["issuer"] = oidc,
            ["authorization_endpoint"] = oidc + "/v1/authorize",
            ["token_endpoint"] = oidc + "/v1/token",
            ["grant_types_supported"] = new JsonArray { "client_credentials", "authorization_code", "refresh_token" },
            ["token_endpoint_auth_methods_supported"] = new JsonArray { "client_secret_basic", "client_secret_post" },
            ["scopes_supported"] = new JsonArray { "all-apis", "offline_access" },
        });
    }

    private static async Task TokenAsync(HttpContext ctx)
    {
        var state = ctx.EmuState();
        state.CountTokenRequest();
        var form = QueryHelpers.ParseQuery(ctx.Emu().Body);
        var credentials = BasicCredentials.Decode(ctx.Request.Headers.Authorization.ToString());
        if (credentials is null && form.TryGetValue("client_id", out var formId))
        {
            // client_secret_post: the same pair in the form body, which Databricks also accepts.
            credentials = new BasicCredentials(formId.ToString(), form.TryGetValue("client_secret", out var formSecret) ? formSecret.ToString() : string.Empty);
        }

        if (credentials is null || !credentials.ClientId.StartsWith(ValidClientIdPrefix, StringComparison.Ordinal) || credentials.ClientSecret.Length == 0)
        {
            await JsonOut.WriteAsync(ctx, 401, ErrorBodies.OAuth("invalid_client", "Client authentication failed"));
            return;
        }

        var grantType = form.TryGetValue("grant_type", out var g) ? g.ToString() : string.Empty;
        if (grantType.Length == 0)
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.OAuth("invalid_request", "Missing required parameter: grant_type"));
            return;
        }

        if (grantType != "client_credentials")
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.OAuth("unsupported_grant_type", $"Unsupported grant_type: {grantType}"));
            return;
        }

        var scope = form.TryGetValue("scope", out var s) ? s.ToString() : "all-apis";
        if (!scope.Split(' ').Contains("all-apis"))
        {
            await JsonOut.WriteAsync(ctx, 400, ErrorBodies.OAuth("invalid_scope", $"Invalid scope: {scope}"));
            return;
        }

        var (token, lifetime) = state.IssueDatabricksToken();
        ctx.Response.Headers.CacheControl = "no-store";
        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = lifetime,
            ["scope"] = "all-apis",
        });
    }

    private static async Task ListEndpointsAsync(HttpContext ctx)
    {
        if (await RejectUnauthorizedAsync(ctx))
        {
            return;
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["endpoints"] = new JsonArray(DatabricksEndpoint.All.Select(e => (JsonNode)e.ToJson()).ToArray()),
        });
    }

    private static async Task GetEndpointAsync(HttpContext ctx)
    {
        if (await RejectUnauthorizedAsync(ctx))
        {
            return;
        }

        var name = ctx.RouteString("name");
        if (DatabricksEndpoint.Find(name) is not DatabricksEndpoint endpoint)
        {
            await WriteNotFoundAsync(ctx, name);
            return;
        }

        await JsonOut.WriteAsync(ctx, 200, endpoint.ToJson());
    }

    private static async Task InvocationsAsync(HttpContext ctx)
    {
        if (await RejectUnauthorizedAsync(ctx) || await RequireBodyAsync(ctx) is not JsonObject body)
        {
            return;
        }

        var name = ctx.RouteString("name");
        if (await ResolveAsync(ctx, name) is not DatabricksEndpoint endpoint)
        {
            return;
        }

        // The invocations body may omit "model" (the URL names the endpoint) or carry anything there; it is ignored.
        await DispatchAsync(ctx, endpoint, body);
    }

    private static async Task OpenAICompatibleAsync(HttpContext ctx, string task)
    {
        if (await RejectUnauthorizedAsync(ctx) || await RequireBodyAsync(ctx) is not JsonObject body)
        {
            return;
        }

        var name = body.GetString("model");
        if (string.IsNullOrEmpty(name))
        {
            await Dialect.WriteError(ctx, new OpenAIError(400, "Missing required field 'model': the serving endpoint name."));
            return;
        }

        if (await ResolveAsync(ctx, name) is not DatabricksEndpoint endpoint)
        {
            return;
        }

        if (endpoint.Task != task)
        {
            await Dialect.WriteError(ctx, new OpenAIError(400, $"Endpoint {endpoint.Name} serves task {endpoint.Task} and cannot handle {task} requests."));
            return;
        }

        await DispatchAsync(ctx, endpoint, body);
    }

    private static Task DispatchAsync(HttpContext ctx, DatabricksEndpoint endpoint, JsonObject body) => endpoint.Task switch
    {
        DatabricksEndpoint.ChatTask => OpenAIFamily.ChatAsync(ctx, Dialect, body, endpoint.ServedModel),
        DatabricksEndpoint.CompletionsTask => OpenAIFamily.CompletionsAsync(ctx, Dialect, body, endpoint.ServedModel),
        _ => OpenAIFamily.EmbeddingsAsync(ctx, Dialect, body, endpoint.ServedModel),
    };

    private static async Task<DatabricksEndpoint?> ResolveAsync(HttpContext ctx, string? name)
    {
        if (DatabricksEndpoint.Find(name) is not DatabricksEndpoint endpoint)
        {
            await WriteNotFoundAsync(ctx, name);
            return null;
        }

        if (!endpoint.Ready)
        {
            await JsonOut.WriteAsync(ctx, 503, ErrorBodies.Databricks(
                "TEMPORARILY_UNAVAILABLE", $"Endpoint {endpoint.Name} is not ready to serve requests. Check the endpoint state and try again later."));
            return null;
        }

        return endpoint;
    }

    private static Task WriteNotFoundAsync(HttpContext ctx, string? name) =>
        JsonOut.WriteAsync(ctx, 404, ErrorBodies.Databricks("RESOURCE_DOES_NOT_EXIST", $"Endpoint with name '{name}' does not exist."));

    private static async Task<JsonObject?> RequireBodyAsync(HttpContext ctx)
    {
        var emu = ctx.Emu();
        if (emu.Json is not JsonObject body)
        {
            await Dialect.WriteError(ctx, new OpenAIError(400, emu.InvalidJson ? "Malformed request: the body is not valid JSON." : "Malformed request: a JSON body is required."));
            return null;
        }

        // Databricks rejects fields it does not know; stream_options is the one OpenAI clients send most.
        if (ctx.EmuState().DatabricksRejectStreamOptions && body.ContainsKey("stream_options"))
        {
            await Dialect.WriteError(ctx, new OpenAIError(400, "Bad request: json: unknown field \"stream_options\"\n"));
            return null;
        }

        return body;
    }

    private static async Task<bool> RejectUnauthorizedAsync(HttpContext ctx)
    {
        var authorization = ctx.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            if (token.StartsWith(ValidPatPrefix, StringComparison.Ordinal) || ctx.EmuState().IsDatabricksTokenValid(token))
            {
                return false;
            }
        }

        await JsonOut.WriteAsync(ctx, 401, ErrorBodies.Databricks("401", CredentialMessage));
        return true;
    }
}
