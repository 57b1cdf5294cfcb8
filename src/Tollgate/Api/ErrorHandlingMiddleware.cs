using Tollgate.Inference;
using Tollgate.Observability;

namespace Tollgate.Api;

/// <summary>Last line of defence: an unexpected exception becomes an OpenAI-shaped 500, never a stack trace.</summary>
internal sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex)
        {
            GatewayLog.UnhandledError(logger, ex, context.TraceIdentifier);
            await ErrorResponses.WriteAsync(context, new GatewayError(StatusCodes.Status500InternalServerError,
                "The gateway hit an internal error; the request id identifies it in the gateway's log.", ErrorTypes.Server, "internal_error")).ConfigureAwait(false);
        }
    }
}
