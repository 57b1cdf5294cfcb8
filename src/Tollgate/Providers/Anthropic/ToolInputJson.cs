using System.Text.Json;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Writes tool-call arguments as Anthropic's <c>input</c> object. OpenAI carries arguments as a JSON string, Anthropic
/// as an object; models sometimes produce empty or truncated arguments (finish_reason "length" mid-call), and
/// Anthropic insists on an object, so anything that is not one becomes <c>{}</c>. Used in both directions.
/// </summary>
internal static class ToolInputJson
{
    public static void Write(JsonElement arguments, Utf8JsonWriter writer)
    {
        // Some clients and servers send the object itself rather than its serialization.
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            arguments.WriteTo(writer);
            return;
        }

        if (arguments.ValueKind == JsonValueKind.String)
        {
            byte[]? rented = null;
            try
            {
                var json = JsonStringBytes.Get(arguments, ref rented);
                if (IsJsonObject(json))
                {
                    writer.WriteRawValue(json, skipInputValidation: true);
                    return;
                }
            }
            finally
            {
                JsonStringBytes.Return(rented);
            }
        }

        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> json)
    {
        // Utf8JsonReader reports invalid JSON only by throwing; invalid arguments are expected input here.
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();

            // Anything but whitespace after the object throws.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
