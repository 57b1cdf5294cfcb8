using System.Globalization;
using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>Answers a request with a <see cref="GatewayError"/>: its status, <c>Retry-After</c>, and the body in the client's dialect.</summary>
internal static class ErrorWriter
{
    public static async Task WriteAsync(HttpContext context, GatewayError error, IClientDialect dialect)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        using var buffer = new PooledBufferWriter(512);
        dialect.WriteError(error, buffer);
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
