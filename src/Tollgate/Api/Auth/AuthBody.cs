using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Api.Auth;

/// <summary>Reads the small JSON bodies of the auth and user endpoints, with a tight size limit since login is public.</summary>
internal static class AuthBody
{
    private const int MaxBytes = 16 * 1024;

    public static async Task<(T? Value, GatewayError? Error)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        // An HTML form on another site can POST text/plain but not application/json without a CORS preflight we never
        // grant; insisting on JSON closes login CSRF (signing a victim's browser into the attacker's account).
        if (!context.Request.HasJsonContentType())
        {
            return (null, new GatewayError(StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON with 'Content-Type: application/json'.",
                ErrorTypes.InvalidRequest, "unsupported_media_type"));
        }

        var (body, error) = await RequestBodyReader.ReadAsync(context, MaxBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error.Code == "request_too_large"
                ? error with { Message = $"The request body exceeds {MaxBytes / 1024} KB; auth and user requests are small JSON objects." }
                : error);
        }

        using (body)
        {
            try
            {
                var value = JsonSerializer.Deserialize(body!.WrittenMemory.Span, type);
                return value is null ? (null, GatewayError.BadRequest("The request body must be a JSON object.")) : (value, null);
            }
            catch (JsonException ex)
            {
                // The path names the field; the exception's own message would echo .NET type names.
                return (null, GatewayError.BadRequest($"The request body is not valid: unexpected field or value at {ex.Path ?? "$"}.", ex.Path));
            }
        }
    }
}
