using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

using static Tollgate.Providers.Anthropic.AnthropicMessagesWriter;
using static Tollgate.Providers.Anthropic.AnthropicRequestJson;

namespace Tollgate.Providers.Anthropic;

/// <summary>The OpenAI system and developer messages (and a JSON-mode instruction) as Anthropic's <c>system</c> blocks.</summary>
internal static class AnthropicSystemWriter
{
    private const string JsonInstruction = "Respond with a JSON object only.";

    private static readonly JsonWriterOptions SchemaWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static RequestTranslationError? WriteSystem(JsonElement messages, bool jsonMode, JsonElement jsonSchema, Utf8JsonWriter writer)
    {
        var open = false;
        var index = -1;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            if (message.ValueKind != JsonValueKind.Object || ReadRole(message) != ChatRole.System)
            {
                continue;
            }

            message.TryGetProperty("content"u8, out var content);
            if (content.ValueKind == JsonValueKind.String)
            {
                // Anthropic rejects empty text blocks; an empty system message says nothing anyway.
                if (!IsEmptyString(content))
                {
                    OpenSystem(ref open, writer);
                    WriteTextBlock(content, default, writer);
                }
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                var partIndex = -1;
                foreach (var part in content.EnumerateArray())
                {
                    partIndex++;
                    if (!TryGetTextPart(part, out var text, out var cacheControl))
                    {
                        return new RequestTranslationError(
                            "System and developer messages may only contain text parts.", $"messages[{index}].content[{partIndex}].type");
                    }

                    if (!IsEmptyString(text))
                    {
                        OpenSystem(ref open, writer);
                        WriteTextBlock(text, cacheControl, writer);
                    }
                }
            }
            else if (content.ValueKind != JsonValueKind.Null)
            {
                return new RequestTranslationError("'content' must be a string or an array of text parts.", $"messages[{index}].content");
            }
        }

        if (jsonMode)
        {
            OpenSystem(ref open, writer);
            WriteJsonInstruction(jsonSchema, writer);
        }

        if (open)
        {
            writer.WriteEndArray();
        }

        return null;
    }

    internal static void OpenSystem(ref bool open, Utf8JsonWriter writer)
    {
        if (!open)
        {
            writer.WriteStartArray("system"u8);
            open = true;
        }
    }

    internal static void WriteJsonInstruction(JsonElement schema, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            writer.WriteString("text"u8, JsonInstruction);
        }
        else
        {
            // Rare enough (one schema per request) that an unpooled buffer is fine; compact JSON costs the fewest tokens.
            var buffer = new ArrayBufferWriter<byte>();
            buffer.Write(Encoding.UTF8.GetBytes(JsonInstruction + " It must conform to this JSON schema: "));
            using (var schemaWriter = new Utf8JsonWriter(buffer, SchemaWriterOptions))
            {
                schema.WriteTo(schemaWriter);
            }

            writer.WriteString("text"u8, buffer.WrittenSpan);
        }

        writer.WriteEndObject();
    }
}
