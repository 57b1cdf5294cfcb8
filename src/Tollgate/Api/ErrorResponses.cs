using System.Text.Json;
using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>Writes <see cref="GatewayError"/>s in OpenAI's error shape, as a response or as a final stream event.</summary>
internal static class ErrorResponses
{
    public static async Task WriteAsync(HttpContext context, GatewayError error)
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
            response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var buffer = new PooledBufferWriter(512);
        if (IsAnthropicPath(context))
        {
            using var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions);
            Anthropic.AnthropicInboundResponse.WriteError(error.Status, error.Message, writer);
        }
        else
        {
            WriteBody(error, buffer);
        }

        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Errors on <c>/anthropic</c> use Anthropic's shape, as its SDKs expect (DESIGN.md, "Errors").</summary>
    public static bool IsAnthropicPath(HttpContext context) => context.Request.Path.StartsWithSegments("/anthropic");

    public static void WriteBody(GatewayError error, System.Buffers.IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartObject(JsonFields.Error);
        writer.WriteString(JsonFields.Message, error.Message);
        writer.WriteString(JsonFields.Type, error.Type);
        WriteNullable(writer, JsonFields.Param, error.Param);
        WriteNullable(writer, JsonFields.Code, error.Code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
