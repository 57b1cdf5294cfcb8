using System.Buffers;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Anthropic <c>tool_use</c> content blocks as OpenAI <c>tool_calls</c>, for both directions that need it: a client's
/// assistant turn (Messages request to chat) and an Anthropic answer (message to chat completion).
/// </summary>
internal static class AnthropicToolUse
{
    /// <summary>
    /// Writes <c>"tool_calls":[...]</c> for the <c>tool_use</c> blocks of <paramref name="content"/>, nothing when there are
    /// none. A missing id or name becomes <c>""</c> and a missing or non-object input <c>{}</c> (a request was validated
    /// before, so only an upstream answer can lack them).
    /// </summary>
    public static void WriteToolCalls(JsonElement content, Utf8JsonWriter writer)
    {
        if (!HasToolUse(content))
        {
            return;
        }

        // OpenAI wants the arguments as a compact JSON string; the input object is re-serialized into this buffer.
        var arguments = new ArrayBufferWriter<byte>();
        using var argumentsWriter = new Utf8JsonWriter(arguments, JsonWire.WriterOptions);

        writer.WriteStartArray("tool_calls"u8);
        foreach (var block in content.EnumerateArray())
        {
            if (!IsToolUse(block))
            {
                continue;
            }

            writer.WriteStartObject();
            WriteStringProperty(block, "id"u8, writer);
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            WriteStringProperty(block, "name"u8, writer);

            arguments.ResetWrittenCount();
            argumentsWriter.Reset();
            if (block.TryGetProperty("input"u8, out var input) && input.ValueKind == JsonValueKind.Object)
            {
                input.WriteTo(argumentsWriter);
            }
            else
            {
                argumentsWriter.WriteStartObject();
                argumentsWriter.WriteEndObject();
            }

            argumentsWriter.Flush();
            writer.WriteString("arguments"u8, arguments.WrittenSpan);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteStringProperty(JsonElement block, ReadOnlySpan<byte> name, Utf8JsonWriter writer)
    {
        writer.WritePropertyName(name);
        if (block.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue(""u8);
        }
    }

    private static bool HasToolUse(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var block in content.EnumerateArray())
        {
            if (IsToolUse(block))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsToolUse(JsonElement block) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var type) && type.ValueEquals("tool_use"u8);
}
