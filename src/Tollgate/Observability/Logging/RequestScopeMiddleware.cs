
namespace Tollgate.Observability.Logging;

/// <summary>
/// Settles the request id first thing (the same one the pipeline and the <c>x-request-id</c> header use) and opens a
/// logging scope with it, so every log line of the request, from any component, can be tied to it.
/// </summary>
internal sealed class RequestScopeMiddleware(RequestDelegate next, ILogger<RequestScopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = RequestIds.Ensure(context);
        using (logger.BeginScope(new RequestIdScope(requestId)))
        {
            await next(context).ConfigureAwait(false);
        }
    }
}
