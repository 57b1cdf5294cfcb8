using System.Text.Json;


namespace Tollgate.Providers.Anthropic;

/// <summary>OpenAI <c>tools</c> and <c>tool_choice</c> (with <c>parallel_tool_calls</c>) in Anthropic's shape.</summary>
internal static class AnthropicToolsWriter
{
    internal static RequestTranslationError? WriteTools(JsonElement tools, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("tools"u8);
        var index = -1;
        foreach (var tool in tools.EnumerateArray())
        {
            index++;
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return new RequestTranslationError("Each tool must be an object.", $"tools[{index}]");
            }

            if (tool.TryGetProperty("type"u8, out var type) && !type.ValueEquals("function"u8))
            {
                return new RequestTranslationError("Only 'function' tools are supported for Anthropic models.", $"tools[{index}].type");
            }

            if (!tool.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
            {
                return new RequestTranslationError("A tool needs 'function.name'.", $"tools[{index}].function.name");
            }

            writer.WriteStartObject();
            writer.WritePropertyName("name"u8);
            name.WriteTo(writer);
            if (function.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("description"u8);
                description.WriteTo(writer);
            }

            writer.WriteStartObject("input_schema"u8);
            function.TryGetProperty("parameters"u8, out var parameters);
            if (parameters.ValueKind == JsonValueKind.Object)
            {
                // OpenAI accepts parameters without "type" (even {}); Anthropic requires type "object".
                if (!parameters.TryGetProperty("type"u8, out _))
                {
                    writer.WriteString("type"u8, "object"u8);
                }

                foreach (var property in parameters.EnumerateObject())
                {
                    property.WriteTo(writer);
                }
            }
            else
            {
                writer.WriteString("type"u8, "object"u8);
                writer.WriteStartObject("properties"u8);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        return null;
    }

    internal static RequestTranslationError? WriteToolChoice(JsonElement toolChoice, JsonElement parallelToolCalls, Utf8JsonWriter writer)
    {
        var disableParallel = parallelToolCalls.ValueKind == JsonValueKind.False;
        ReadOnlySpan<byte> type = "auto"u8;
        JsonElement name = default;
        if (toolChoice.ValueKind == JsonValueKind.String)
        {
            if (toolChoice.ValueEquals("none"u8))
            {
                type = "none"u8;
            }
            else if (toolChoice.ValueEquals("required"u8))
            {
                type = "any"u8;
            }
            else if (!toolChoice.ValueEquals("auto"u8))
            {
                return new RequestTranslationError("'tool_choice' must be 'none', 'auto', 'required' or a function.", "tool_choice");
            }
        }
        else if (toolChoice.ValueKind == JsonValueKind.Object)
        {
            if (!toolChoice.TryGetProperty("type"u8, out var choiceType) || !choiceType.ValueEquals("function"u8)
                || !toolChoice.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name"u8, out name) || name.ValueKind != JsonValueKind.String)
            {
                return new RequestTranslationError(
                    "'tool_choice' must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":...}}.", "tool_choice");
            }

            type = "tool"u8;
        }
        else if (!disableParallel)
        {
            // Neither set: Anthropic's default is auto, as OpenAI's is.
            return null;
        }

        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, type);
        if (name.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("name"u8);
            name.WriteTo(writer);
        }

        // Anthropic's "none" choice has no such field, and with no calls there is nothing to parallelize.
        if (disableParallel && !type.SequenceEqual("none"u8))
        {
            writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        writer.WriteEndObject();
        return null;
    }
}
