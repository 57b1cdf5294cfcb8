using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>
/// The UI playground: chat with any routable model as an admin user, optionally as a virtual key (<c>x-tollgate-vk</c>).
/// The call runs the whole inference pipeline (routing, limits, cost, request log), so what the playground shows is what
/// an application would get.
/// </summary>
internal static class PlaygroundApi
{
    public static RouteGroupBuilder MapPlaygroundApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api").RequireAdmin().WithTags("Admin: playground");
        group.MapPost("/playground/chat/completions", (HttpContext context, InferenceExecutor executor, EntryPoints entries) =>
            executor.ExecuteAsync(context, InferenceOperation.ChatCompletions, entries.PlaygroundChat));
        group.MapGet("/models", ModelsEndpoint.ListAsync);
        return group;
    }
}
