using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>A vLLM-style OpenAI-compatible server under <c>/compat/v1</c>: no auth, model echoed back as sent.</summary>
internal static class CompatApi
{
    private static readonly string[] Models = ["meta-llama/Llama-3.1-8B-Instruct", "BAAI/bge-small-en"];

    public static OpenAIDialect Dialect { get; } = new()
    {
        Provider = ProviderNames.Compat,
        WriteError = static (ctx, e) => JsonOut.WriteAsync(ctx, e.Status, ErrorBodies.Compat(e.Status, e.Message)),
        ChatIdPrefix = "chatcmpl-",
    };

    public static RouteGroupBuilder MapCompat(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/compat/v1");
        group.MapPost("/chat/completions", ChatAsync);
        group.MapPost("/completions", CompletionsAsync);
        group.MapPost("/embeddings", EmbeddingsAsync);
        group.MapGet("/models", ModelsAsync);
        return group;
    }

    private static Task ChatAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.ChatAsync, Models[0]);

    private static Task CompletionsAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.CompletionsAsync, Models[0]);

    private static Task EmbeddingsAsync(HttpContext ctx) => HandleAsync(ctx, OpenAIFamily.EmbeddingsAsync, Models[1]);

    private static Task ModelsAsync(HttpContext ctx) => JsonOut.WriteAsync(ctx, 200, OpenAIFamily.ModelList(Models, "vllm"));

    private static async Task HandleAsync(HttpContext ctx, Func<HttpContext, OpenAIDialect, JsonObject, string, Task> operation, string defaultModel)
    {
        if (await OpenAIFamily.RequireBodyAsync(ctx, Dialect) is not JsonObject body)
        {
            return;
        }

        // vLLM serves one model, so like vLLM the field may be left out.
        var model = body.GetString("model") ?? defaultModel;
        if (model.Contains(OpenAIFamily.UnknownModelMarker, StringComparison.Ordinal))
        {
            await Dialect.WriteError(ctx, new OpenAIError(404, $"The model `{model}` does not exist."));
            return;
        }

        await operation(ctx, Dialect, body, model);
    }
}
