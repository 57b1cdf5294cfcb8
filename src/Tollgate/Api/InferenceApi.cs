using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>The OpenAI-compatible inference endpoints, under <c>/v1</c> and again under <c>/openai/v1</c>.</summary>
internal static class InferenceApi
{
    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder endpoints)
    {
        // Taken once here rather than as a handler parameter: resolving it per request would create a DI scope per
        // request (a dictionary and a feature object each time) for a singleton. The unused CancellationToken keeps the
        // handlers out of the RequestDelegate overload, which would leave them out of the OpenAPI document.
        var executor = endpoints.ServiceProvider.GetRequiredService<InferenceExecutor>();
        var entries = endpoints.ServiceProvider.GetRequiredService<EntryPoints>();
        foreach (var (prefix, entry, responses) in new[] { ("/v1", entries.OpenAI, entries.Responses), ("/openai/v1", entries.OpenAIDropIn, entries.ResponsesDropIn) })
        {
            var group = endpoints.MapGroup(prefix).WithTags("Inference");
            group.MapPost("/chat/completions", (HttpContext context, CancellationToken _) =>
                executor.ExecuteAsync(context, InferenceOperation.ChatCompletions, entry));
            group.MapPost("/completions", (HttpContext context, CancellationToken _) =>
                executor.ExecuteAsync(context, InferenceOperation.Completions, entry));
            group.MapPost("/embeddings", (HttpContext context, CancellationToken _) =>
                executor.ExecuteAsync(context, InferenceOperation.Embeddings, entry));
            group.MapPost("/responses", (HttpContext context, CancellationToken _) =>
                executor.ExecuteAsync(context, InferenceOperation.ChatCompletions, responses));
            group.MapGet("/models", ModelsEndpoint.ListAsync);
            group.MapGet("/models/{**model}", ModelsEndpoint.GetAsync);
            group.MapFallback((HttpContext context) => ErrorResponses.WriteAsync(context,
                new GatewayError(StatusCodes.Status404NotFound, $"Unknown endpoint {context.Request.Method} {context.Request.Path}.",
                    ErrorTypes.InvalidRequest, "unknown_url")));
        }

        // Databricks drop-in: Databricks SDK and MLflow deployments clients change only the host.
        var databricks = endpoints.MapGroup("/databricks/serving-endpoints").WithTags("Databricks");
        databricks.MapPost("/{name}/invocations", (HttpContext context, string name, CancellationToken _) =>
            executor.ExecuteAsync(context, null, EntryPoints.DatabricksEndpoint(name)));
        databricks.MapPost("/chat/completions", (HttpContext context, CancellationToken _) =>
            executor.ExecuteAsync(context, InferenceOperation.ChatCompletions, entries.Databricks));
        databricks.MapPost("/completions", (HttpContext context, CancellationToken _) =>
            executor.ExecuteAsync(context, InferenceOperation.Completions, entries.Databricks));
        databricks.MapPost("/embeddings", (HttpContext context, CancellationToken _) =>
            executor.ExecuteAsync(context, InferenceOperation.Embeddings, entries.Databricks));
        return endpoints;
    }
}
