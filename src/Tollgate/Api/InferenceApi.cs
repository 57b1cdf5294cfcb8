using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>The OpenAI-compatible inference endpoints, under <c>/v1</c> and again under <c>/openai/v1</c>.</summary>
internal static class InferenceApi
{
    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in new[] { "/v1", "/openai/v1" })
        {
            var group = endpoints.MapGroup(prefix).WithTags("Inference");
            group.MapPost("/chat/completions", (HttpContext context, InferenceExecutor executor) =>
                executor.ExecuteAsync(context, InferenceOperation.ChatCompletions));
            group.MapPost("/completions", (HttpContext context, InferenceExecutor executor) =>
                executor.ExecuteAsync(context, InferenceOperation.Completions));
            group.MapPost("/embeddings", (HttpContext context, InferenceExecutor executor) =>
                executor.ExecuteAsync(context, InferenceOperation.Embeddings));
            group.MapGet("/models", ModelsEndpoint.ListAsync);
            group.MapGet("/models/{**model}", ModelsEndpoint.GetAsync);
            group.MapFallback((HttpContext context) => ErrorResponses.WriteAsync(context,
                new GatewayError(StatusCodes.Status404NotFound, $"Unknown endpoint {context.Request.Method} {context.Request.Path}.",
                    ErrorTypes.InvalidRequest, "unknown_url")));
        }

        return endpoints;
    }
}
