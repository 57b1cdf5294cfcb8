using System.Buffers;
using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>OpenAI's error shape, <c>{"error":{"message","type","param","code"}}</c>, as a response body or stream event.</summary>
internal static class OpenAIErrorBody
{
    public static void Write(GatewayError error, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
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
