using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// Azure OpenAI under <c>/azure</c>: <c>/openai/deployments/{deployment}/...?api-version=</c>, <c>api-key</c> header
/// (valid when it starts with <c>sk-test</c> or <c>azure-test</c>), content-filter annotations, model = deployment.
/// </summary>
internal static class AzureApi
{
    private static readonly string[] ValidKeyPrefixes = ["sk-test", "azure-test"];

    public static OpenAIDialect Dialect { get; } = new()
    {
        Provider = ProviderNames.Azure,
        WriteError = WriteErrorAsync,
        ContentFilters = true,
    };

    public static RouteGroupBuilder MapAzure(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/azure/openai/deployments/{deployment}");
        group.MapPost("/chat/completions", ChatAsync);
        group.MapPost("/completions", CompletionsAsync);
        group.MapPost("/embeddings", EmbeddingsAsync);
        return group;
    }

    /// <summary>Azure's own front door answers auth, routing and throttling errors in its short shape; the model's errors pass through OpenAI-shaped.</summary>
    private static Task WriteErrorAsync(HttpContext ctx, OpenAIError e) =>
        JsonOut.WriteAsync(ctx, e.Status, e.Status is 401 or 404 or 429
            ? ErrorBodies.Azure(e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message)
            : ErrorBodies.OpenAI(e.Message, e.Type, e.Param, e.Code));

    private static Task ChatAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.ChatAsync);

    private static Task CompletionsAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.CompletionsAsync);

    private static Task EmbeddingsAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.EmbeddingsAsync);

    private static async Task HandleAsync(HttpContext ctx, Func<HttpContext, OpenAIDialect, JsonObject, string, Task> operation)
    {
        ctx.Response.Headers["apim-request-id"] = Guid.NewGuid().ToString();
        ctx.Response.Headers["x-ms-region"] = "East US";

        // Without api-version Azure cannot route the call at all, so it says 404 rather than 400.
        if (string.IsNullOrEmpty(ctx.Request.Query["api-version"]))
        {
            await WriteErrorAsync(ctx, new OpenAIError(404, "Resource not found"));
            return;
        }

        var key = ctx.Request.Headers["api-key"].ToString();
        if (key.Length == 0)
        {
            await WriteErrorAsync(ctx, new OpenAIError(
                401, "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."));
            return;
        }

        if (!ValidKeyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
        {
            await WriteErrorAsync(ctx, new OpenAIError(
                401,
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription "
                + "and use a correct regional API endpoint for your resource."));
            return;
        }

        if (await OpenAIFamily.RequireBodyAsync(ctx, Dialect) is not JsonObject body)
        {
            return;
        }

        var deployment = ctx.RouteString("deployment") ?? string.Empty;
        if (deployment.Contains(OpenAIFamily.UnknownModelMarker, StringComparison.Ordinal))
        {
            await JsonOut.WriteAsync(ctx, 404, ErrorBodies.Azure(
                "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."));
            return;
        }

        await operation(ctx, Dialect, body, deployment);
    }
}
