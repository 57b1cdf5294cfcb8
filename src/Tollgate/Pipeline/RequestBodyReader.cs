using System.Buffers;
using System.IO.Pipelines;

namespace Tollgate.Pipeline;

/// <summary>Reads a request body into a pooled buffer, enforcing the configured size limit with an OpenAI-shaped 413.</summary>
internal static class RequestBodyReader
{
    public static async Task<(PooledBufferWriter? Body, GatewayError? Error)> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var buffer = new PooledBufferWriter(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 4096);
        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var sequence = result.Buffer;
                if (buffer.WrittenCount + sequence.Length > maxBytes)
                {
                    reader.AdvanceTo(sequence.End);
                    buffer.Dispose();
                    return (null, TooLarge(maxBytes));
                }

                foreach (var segment in sequence)
                {
                    buffer.Write(segment.Span);
                }

                reader.AdvanceTo(sequence.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The client sent less than it announced (or disconnected mid-body): an ordinary 400, not a gateway fault.
            buffer.Dispose();
            return (null, new GatewayError(ex.StatusCode, "The request body ended before it was complete.", ErrorTypes.InvalidRequest, "incomplete_body"));
        }
        catch
        {
            buffer.Dispose();
            throw;
        }

        if (buffer.WrittenCount == 0)
        {
            buffer.Dispose();
            return (null, GatewayError.BadRequest("The request body is empty; send a JSON object."));
        }

        return (buffer, null);
    }

    private static GatewayError TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds the limit of {maxBytes / (1024 * 1024)} MB (client.max_request_body_size_mb).",
            ErrorTypes.InvalidRequest, "request_too_large");
}
