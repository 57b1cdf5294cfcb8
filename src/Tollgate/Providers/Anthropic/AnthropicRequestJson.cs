using System.Text;
using System.Text.Json;


namespace Tollgate.Providers.Anthropic;

/// <summary>Small JSON helpers the Anthropic request writers share.</summary>
internal static class AnthropicRequestJson
{
    internal static bool TryGetTextPart(JsonElement part, out JsonElement text, out JsonElement cacheControl)
    {
        text = default;
        cacheControl = default;
        if (part.ValueKind != JsonValueKind.Object
            || !part.TryGetProperty("type"u8, out var type) || !type.ValueEquals("text"u8)
            || !part.TryGetProperty("text"u8, out text) || text.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // Clients that know they talk to Claude mark prompt-cache breakpoints on parts; caching is where Anthropic
        // savings come from, so the marker is kept rather than dropped with the other unknown fields.
        part.TryGetProperty("cache_control"u8, out cacheControl);
        return true;
    }

    internal static void WriteTextBlock(JsonElement text, JsonElement cacheControl, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WritePropertyName("text"u8);
        text.WriteTo(writer);
        if (cacheControl.ValueKind == JsonValueKind.Object)
        {
            writer.WritePropertyName("cache_control"u8);
            cacheControl.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    internal static void CopyNumber(ReadOnlySpan<byte> name, JsonElement value, Utf8JsonWriter writer)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }

    internal static bool IsSet(JsonElement value) => value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    internal static bool IsEmptyString(JsonElement value) => value.ValueEquals(ReadOnlySpan<byte>.Empty);

    internal static bool StartsWithIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix) =>
        value.Length >= prefix.Length && Ascii.EqualsIgnoreCase(value[..prefix.Length], prefix);
}
