using Tollgate.Api.Dialects;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>
/// Writes <see cref="GatewayError"/>s for endpoints outside the inference pipeline (admin API, fallbacks, the error
/// middleware), which know no dialect object: OpenAI's shape, Anthropic's under <c>/anthropic</c> (DESIGN.md, "Errors").
/// Inference endpoints write errors through their own <see cref="IClientDialect"/>.
/// </summary>
internal static class ErrorResponses
{
    public static Task WriteAsync(HttpContext context, GatewayError error) =>
        ErrorWriter.WriteAsync(context, error, context.Request.Path.StartsWithSegments("/anthropic") ? AnthropicDialect.Instance : OpenAIDialect.Instance);
}
