using System.Text.Json;
using static Tollgate.Api.Anthropic.InboundJson;

namespace Tollgate.Api.Anthropic;

/// <summary>Anthropic image and document blocks of a client's message: their checks, and the OpenAI parts they become.</summary>
internal static class InboundMediaParts
{
    public static InboundError? CheckImageSource(JsonElement block, InboundBlockPath path)
    {
        block.TryGetProperty("source"u8, out var source);
        if (IsBlock(source, "base64"u8))
        {
            return CheckBase64Source(source, path);
        }

        if (IsBlock(source, "url"u8))
        {
            return HasString(source, "url"u8) ? null : Invalid($"{path}.source.url", "Field required");
        }

        // A Files API id means nothing to another provider.
        return source.ValueKind == JsonValueKind.Object
            ? Invalid($"{path}.source.type", "Only base64 and url image sources can be sent to this model's provider")
            : Invalid($"{path}.source", "Field required");
    }

    public static InboundError? CheckBase64Source(JsonElement source, InboundBlockPath path) =>
        !HasString(source, "media_type"u8) ? Invalid($"{path}.source.media_type", "Field required")
        : !HasString(source, "data"u8) ? Invalid($"{path}.source.data", "Field required")
        : null;

    /// <summary>Writes an image block whose source <see cref="CheckImageSource"/> accepted.</summary>
    public static void WriteImagePart(JsonElement block, Utf8JsonWriter writer)
    {
        var source = block.GetProperty("source"u8);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WritePropertyName("url"u8);
        if (IsBlock(source, "url"u8))
        {
            source.GetProperty("url"u8).WriteTo(writer);
        }
        else
        {
            JsonTextJoiner.WriteDataUrl(source.GetProperty("media_type"u8), source.GetProperty("data"u8), writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes a base64 document block as OpenAI's inline file part.</summary>
    public static void WriteFilePart(JsonElement block, Utf8JsonWriter writer)
    {
        var source = block.GetProperty("source"u8);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "file"u8);
        writer.WriteStartObject("file"u8);

        // OpenAI wants a file name with inline file data; the document's title is the closest thing to one.
        writer.WritePropertyName("filename"u8);
        if (block.TryGetProperty("title"u8, out var title) && IsNonEmptyString(title))
        {
            title.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue("document.pdf"u8);
        }

        writer.WritePropertyName("file_data"u8);
        JsonTextJoiner.WriteDataUrl(source.GetProperty("media_type"u8), source.GetProperty("data"u8), writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
