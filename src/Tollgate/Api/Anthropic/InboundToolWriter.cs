using System.Text.Json;
using static Tollgate.Api.Anthropic.InboundJson;

namespace Tollgate.Api.Anthropic;

/// <summary>
/// Writes Anthropic's <c>tools</c> and <c>tool_choice</c> as OpenAI function tools.
/// </summary>
/// <remarks>
/// <code>
///   {name, description, input_schema} ───────► {"type":"function","function":{name, description, parameters}}
///   tool_choice auto / any / none ───────────► "auto" / "required" / "none"
///   tool_choice {type: tool, name} ──────────► {"type":"function","function":{"name"}}
///   disable_parallel_tool_use: true ─────────► parallel_tool_calls: false
///   server tools (web_search_*, bash_*, ...) ► error: only Anthropic's API can run them
/// </code>
/// </remarks>
internal static class InboundToolWriter
{
    public static InboundError? WriteTools(JsonElement tools, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("tools"u8);
        var index = -1;
        foreach (var tool in tools.EnumerateArray())
        {
            index++;
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return Invalid($"tools.{index}", "Input should be a valid dictionary");
            }

            // Server tools (web_search_*, code_execution_*, bash_*, text_editor_*, computer_*) run inside Anthropic's
            // API; no chat upstream can run them, and sending them as functions would make the client run them instead.
            if (tool.TryGetProperty("type"u8, out var type) && IsSet(type) && !IsString(type, "custom"u8))
            {
                var typeName = type.ValueKind == JsonValueKind.String ? type.GetString() : type.GetRawText();
                return Invalid($"tools.{index}.type", $"Tool type '{typeName}' runs on Anthropic's servers and is not supported by this model's provider");
            }

            if (!tool.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
            {
                return Invalid($"tools.{index}.name", "Field required");
            }

            if (!tool.TryGetProperty("input_schema"u8, out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                return Invalid($"tools.{index}.input_schema", "Field required");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WritePropertyName("name"u8);
            name.WriteTo(writer);
            if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("description"u8);
                description.WriteTo(writer);
            }

            writer.WritePropertyName("parameters"u8);
            schema.WriteTo(writer);

            // Anthropic's strict tool use means what OpenAI's does: arguments guaranteed to match the schema.
            if (tool.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                writer.WriteBoolean("strict"u8, strict.GetBoolean());
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        return null;
    }

    public static InboundError? WriteToolChoice(JsonElement toolChoice, Utf8JsonWriter writer)
    {
        if (!IsSet(toolChoice))
        {
            return null;
        }

        if (toolChoice.ValueKind != JsonValueKind.Object || !toolChoice.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
        {
            return Invalid("tool_choice.type", "Field required");
        }

        if (type.ValueEquals("auto"u8))
        {
            writer.WriteString("tool_choice"u8, "auto"u8);
        }
        else if (type.ValueEquals("any"u8))
        {
            writer.WriteString("tool_choice"u8, "required"u8);
        }
        else if (type.ValueEquals("none"u8))
        {
            writer.WriteString("tool_choice"u8, "none"u8);
        }
        else if (type.ValueEquals("tool"u8))
        {
            if (!toolChoice.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
            {
                return Invalid("tool_choice.name", "Field required");
            }

            writer.WriteStartObject("tool_choice"u8);
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WritePropertyName("name"u8);
            name.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else
        {
            return Invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
        }

        if (toolChoice.TryGetProperty("disable_parallel_tool_use"u8, out var disableParallel) && disableParallel.ValueKind == JsonValueKind.True)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, false);
        }

        return null;
    }
}
