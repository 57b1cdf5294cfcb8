using System.Text.Json;
using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>The body of an admin API request as a JSON document; one place answers a body that is not JSON.</summary>
internal static class AdminJsonBody
{
    /// <summary>The parsed body (the caller disposes it), or null after answering 400 because it is not valid JSON.</summary>
    public static async Task<JsonDocument?> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            await ErrorResponses.WriteAsync(context, NotJson).ConfigureAwait(false);
            return null;
        }
    }

    public static GatewayError NotJson => GatewayError.BadRequest("The request body is not valid JSON.");
}
