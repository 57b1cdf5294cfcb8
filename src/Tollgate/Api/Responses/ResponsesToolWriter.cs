using System.Text.Json;
using static Tollgate.Api.Responses.ResponsesJson;

namespace Tollgate.Api.Responses;

/// <summary>
/// Writes Responses <c>tools</c>, <c>tool_choice</c> and <c>text.format</c> in their chat forms. The Responses API
/// flattened the chat function tool (<c>{type, name, parameters}</c> rather than <c>{type, function: {name, ...}}</c>);
/// this nests it back. Hosted tools (web_search, file_search, code_interpreter, ...) run inside OpenAI and have no chat
/// counterpart, so they are refused rather than silently dropped: a model told it can search would otherwise answer
/// without searching.
/// </summary>
internal static class ResponsesToolWriter
{
    /// <summary>Checks every tool before anything is written; returns the number of function tools.</summary>
    public static ResponsesError? CheckTools(JsonElement tools, out int count)
    {
        count = 0;
        if (!IsSet(tools))
        {
            return null;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            return InvalidType("tools", "an array", tools);
        }

        var index = -1;
        foreach (var tool in tools.EnumerateArray())
        {
            index++;
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return InvalidType($"tools[{index}]", "an object", tool);
            }

            if (!IsType(tool, "function"u8))
            {
                var type = TypeOf(tool);
                return type is null
                    ? Missing($"tools[{index}].type")
                    : Unsupported($"tools[{index}].type",
                        $"Tool type '{type}' is not supported: this model is served through a Chat Completions upstream, which runs function tools only.");
            }

            if (!tool.TryGetProperty("name"u8, out var name) || !IsNonEmptyString(name))
            {
                return IsSet(name) && name.ValueKind != JsonValueKind.String ? InvalidType($"tools[{index}].name", "a string", name) : Missing($"tools[{index}].name");
            }

            if (tool.TryGetProperty("parameters"u8, out var parameters) && IsSet(parameters) && parameters.ValueKind != JsonValueKind.Object)
            {
                return InvalidType($"tools[{index}].parameters", "an object", parameters);
            }

            count++;
        }

        return null;
    }

    public static void WriteTools(JsonElement tools, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("tools"u8);
        foreach (var tool in tools.EnumerateArray())
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WritePropertyName("name"u8);
            tool.GetProperty("name"u8).WriteTo(writer);
            if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("description"u8);
                description.WriteTo(writer);
            }

            if (tool.TryGetProperty("parameters"u8, out var parameters) && parameters.ValueKind == JsonValueKind.Object)
            {
                writer.WritePropertyName("parameters"u8);
                parameters.WriteTo(writer);
            }

            // Only what the client said: Responses defaults strict to true, chat to false, and most chat upstreams
            // ignore it; claiming true on the client's behalf would make OpenAI-dialect upstreams reject loose schemas.
            if (tool.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                writer.WriteBoolean("strict"u8, strict.GetBoolean());
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static ResponsesError? CheckToolChoice(JsonElement toolChoice)
    {
        if (!IsSet(toolChoice))
        {
            return null;
        }

        if (toolChoice.ValueKind == JsonValueKind.String)
        {
            return IsString(toolChoice, "auto"u8) || IsString(toolChoice, "none"u8) || IsString(toolChoice, "required"u8)
                ? null
                : InvalidValue("tool_choice", toolChoice.GetString(), "'none', 'auto', and 'required'");
        }

        if (toolChoice.ValueKind != JsonValueKind.Object)
        {
            return InvalidType("tool_choice", "a string or an object", toolChoice);
        }

        if (IsType(toolChoice, "function"u8))
        {
            return toolChoice.TryGetProperty("name"u8, out var name) && IsNonEmptyString(name) ? null : Missing("tool_choice.name");
        }

        var type = TypeOf(toolChoice);
        return type is null
            ? Missing("tool_choice.type")
            : Unsupported("tool_choice.type", $"tool_choice of type '{type}' is not supported: this model is served through a Chat Completions upstream, which can be told to call one named function, or 'auto', 'none' or 'required'.");
    }

    /// <summary>Writes a tool_choice that <see cref="CheckToolChoice"/> accepted.</summary>
    public static void WriteToolChoice(JsonElement toolChoice, Utf8JsonWriter writer)
    {
        if (toolChoice.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("tool_choice"u8);
            toolChoice.WriteTo(writer);
        }
        else if (toolChoice.ValueKind == JsonValueKind.Object)
        {
            writer.WriteStartObject("tool_choice"u8);
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WritePropertyName("name"u8);
            toolChoice.GetProperty("name"u8).WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    /// <summary>Checks <c>text</c>; <paramref name="format"/> is its <c>format</c> when that asks for JSON output.</summary>
    public static ResponsesError? CheckTextFormat(JsonElement text, out JsonElement format)
    {
        format = default;
        if (!IsSet(text))
        {
            return null;
        }

        if (text.ValueKind != JsonValueKind.Object)
        {
            return InvalidType("text", "an object", text);
        }

        if (!text.TryGetProperty("format"u8, out var value) || !IsSet(value) || IsType(value, "text"u8))
        {
            return null;
        }

        if (IsType(value, "json_object"u8))
        {
            format = value;
            return null;
        }

        if (!IsType(value, "json_schema"u8))
        {
            var type = TypeOf(value);
            return type is null ? Missing("text.format.type") : InvalidValue("text.format.type", type, "'text', 'json_schema', and 'json_object'");
        }

        if (!value.TryGetProperty("name"u8, out var name) || !IsNonEmptyString(name))
        {
            return Missing("text.format.name");
        }

        if (!value.TryGetProperty("schema"u8, out var schema) || schema.ValueKind != JsonValueKind.Object)
        {
            return IsSet(schema) ? InvalidType("text.format.schema", "an object", schema) : Missing("text.format.schema");
        }

        format = value;
        return null;
    }

    /// <summary>Writes a format <see cref="CheckTextFormat"/> found as chat's <c>response_format</c>.</summary>
    public static void WriteResponseFormat(JsonElement format, Utf8JsonWriter writer)
    {
        writer.WriteStartObject("response_format"u8);
        if (IsType(format, "json_object"u8))
        {
            writer.WriteString("type"u8, "json_object"u8);
            writer.WriteEndObject();
            return;
        }

        // Responses flattened json_schema as it did function tools; chat nests the schema under json_schema.
        writer.WriteString("type"u8, "json_schema"u8);
        writer.WriteStartObject("json_schema"u8);
        writer.WritePropertyName("name"u8);
        format.GetProperty("name"u8).WriteTo(writer);
        if (format.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("description"u8);
            description.WriteTo(writer);
        }

        writer.WritePropertyName("schema"u8);
        format.GetProperty("schema"u8).WriteTo(writer);
        if (format.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            writer.WriteBoolean("strict"u8, strict.GetBoolean());
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
