using System.Runtime.InteropServices;
using System.Text.Json;
using Tollgate.Api.Anthropic;
using static Tollgate.Api.Responses.ResponsesJson;

namespace Tollgate.Api.Responses;

/// <summary>
/// Writes a Responses <c>input</c> (a string, or a list of items) as chat messages into an open <c>messages</c> array.
/// </summary>
/// <remarks>
/// <code>
///   Responses input item                          chat message
///   ────────────────────                          ────────────
///   "text"                              ────────► user message
///   {role user, content}                ────────► user message: a string, or parts when there are images or files
///   {role system | developer, content}  ────────► system message (chat upstreams do not all know "developer")
///   {role assistant, content}           ─┐
///   function_call, function_call, ...   ─┴──────► one assistant message with content and tool_calls
///   function_call_output                ────────► role "tool" message, tool_call_id = call_id
///   reasoning                           ────────► dropped: encrypted for OpenAI's models, meaningless to others
///   item_reference, hosted tool calls   ────────► 400: the gateway keeps no items and runs no hosted tools
/// </code>
/// The Responses API lists an assistant turn as a message item followed by one item per function call; a chat upstream
/// (and Anthropic behind it) wants them as one assistant message, so they are gathered until something else comes.
/// </remarks>
internal static class ResponsesInputWriter
{
    public static ResponsesError? Write(JsonElement input, Utf8JsonWriter writer)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WritePropertyName("content"u8);
            input.WriteTo(writer);
            writer.WriteEndObject();
            return null;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return InvalidType("input", "a string or an array", input);
        }

        var assistant = new PendingAssistant();
        var texts = new List<JsonElement>();
        var index = -1;
        foreach (var item in input.EnumerateArray())
        {
            index++;
            var error = WriteItem(item, index, assistant, texts, writer);
            if (error is not null)
            {
                return error;
            }
        }

        assistant.Flush(writer);
        return null;
    }

    private static ResponsesError? WriteItem(JsonElement item, int index, PendingAssistant assistant, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return InvalidType($"input[{index}]", "an object", item);
        }

        // Easy input messages ({role, content}) may leave the type out.
        if (!item.TryGetProperty("type"u8, out var type) || !IsSet(type))
        {
            return item.TryGetProperty("role"u8, out _) ? WriteMessage(item, index, assistant, texts, writer) : Missing($"input[{index}].type");
        }

        if (IsString(type, "message"u8))
        {
            return WriteMessage(item, index, assistant, texts, writer);
        }

        if (IsString(type, "function_call"u8))
        {
            var error = CheckString(item, "call_id"u8, index, "call_id") ?? CheckString(item, "name"u8, index, "name")
                ?? CheckString(item, "arguments"u8, index, "arguments");
            if (error is null)
            {
                assistant.AddCall(item);
            }

            return error;
        }

        if (IsString(type, "function_call_output"u8))
        {
            assistant.Flush(writer);
            return WriteToolMessage(item, index, texts, writer);
        }

        // Reasoning items carry OpenAI's encrypted reasoning or its summary of it. Codex and the Agents SDK send them
        // back on every turn; another model can use neither, and OpenAI itself only uses them with its own models.
        if (IsString(type, "reasoning"u8))
        {
            return null;
        }

        if (IsString(type, "item_reference"u8))
        {
            return Unsupported($"input[{index}].type",
                "Item references are not supported: this gateway keeps conversations only for previous_response_id. Send the items themselves.");
        }

        return type.ValueKind == JsonValueKind.String
            ? Unsupported($"input[{index}].type",
                $"Input items of type '{type.GetString()}' are not supported: this model is served through a Chat Completions upstream, which knows messages, function calls and their outputs only.")
            : InvalidType($"input[{index}].type", "a string", type);
    }

    private static ResponsesError? WriteMessage(JsonElement item, int index, PendingAssistant assistant, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        if (!item.TryGetProperty("role"u8, out var role) || !IsSet(role))
        {
            return Missing($"input[{index}].role");
        }

        item.TryGetProperty("content"u8, out var content);
        if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return IsSet(content) ? InvalidType($"input[{index}].content", "a string or an array", content) : Missing($"input[{index}].content");
        }

        if (IsString(role, "assistant"u8))
        {
            return assistant.AddMessage(content, index, writer);
        }

        assistant.Flush(writer);
        if (IsString(role, "user"u8))
        {
            return WriteUserMessage(content, index, texts, writer);
        }

        if (IsString(role, "system"u8) || IsString(role, "developer"u8))
        {
            // "developer" is OpenAI's new name for the system role; vLLM chat templates and Databricks know only "system".
            var error = CollectTexts(content, index, texts, allowRefusal: false);
            if (error is not null)
            {
                return error;
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WritePropertyName("content"u8);
            WriteJoined(texts, "\\n\\n"u8, writer);
            writer.WriteEndObject();
            return null;
        }

        return role.ValueKind == JsonValueKind.String
            ? InvalidValue($"input[{index}].role", role.GetString(), "'assistant', 'system', 'developer', and 'user'")
            : InvalidType($"input[{index}].role", "a string", role);
    }

    private static ResponsesError? WriteUserMessage(JsonElement content, int index, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, "user"u8);
        writer.WritePropertyName("content"u8);
        if (content.ValueKind == JsonValueKind.String)
        {
            content.WriteTo(writer);
            writer.WriteEndObject();
            return null;
        }

        var hasMedia = false;
        var partIndex = -1;
        foreach (var part in content.EnumerateArray())
        {
            partIndex++;
            if (IsType(part, "input_image"u8) || IsType(part, "input_file"u8))
            {
                var error = CheckMediaPart(part, index, partIndex);
                if (error is not null)
                {
                    return error;
                }

                hasMedia = true;
            }
        }

        // Text alone goes as a string: some chat upstreams (older vLLM templates, Databricks external models) take
        // nothing else for a user message.
        if (!hasMedia)
        {
            var error = CollectTexts(content, index, texts, allowRefusal: false);
            if (error is not null)
            {
                return error;
            }

            WriteJoined(texts, "\\n\\n"u8, writer);
            writer.WriteEndObject();
            return null;
        }

        writer.WriteStartArray();
        partIndex = -1;
        foreach (var part in content.EnumerateArray())
        {
            partIndex++;
            if (IsType(part, "input_image"u8))
            {
                WriteImagePart(part, writer);
            }
            else if (IsType(part, "input_file"u8))
            {
                WriteFilePart(part, writer);
            }
            else
            {
                var error = CheckTextPart(part, index, partIndex, allowRefusal: false, out var text);
                if (error is not null)
                {
                    return error;
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WritePropertyName("text"u8);
                text.WriteTo(writer);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        return null;
    }

    private static ResponsesError? CheckMediaPart(JsonElement part, int index, int partIndex)
    {
        if (IsType(part, "input_image"u8))
        {
            if (part.TryGetProperty("image_url"u8, out var url) && IsNonEmptyString(url))
            {
                return null;
            }

            // A Files API id means nothing to another provider.
            return part.TryGetProperty("file_id"u8, out var fileId) && IsSet(fileId)
                ? Unsupported($"input[{index}].content[{partIndex}].file_id",
                    "Images by file_id are not supported: this gateway has no Files API. Send image_url as a URL or a data URL.")
                : Missing($"input[{index}].content[{partIndex}].image_url");
        }

        if (part.TryGetProperty("file_data"u8, out var data) && IsNonEmptyString(data))
        {
            return null;
        }

        return part.TryGetProperty("file_id"u8, out var id) && IsSet(id) || part.TryGetProperty("file_url"u8, out var fileUrl) && IsSet(fileUrl)
            ? Unsupported($"input[{index}].content[{partIndex}]",
                "Files by file_id or file_url are not supported: this gateway has no Files API. Send file_data as a data URL.")
            : Missing($"input[{index}].content[{partIndex}].file_data");
    }

    /// <summary>Writes an input_image that <see cref="CheckMediaPart"/> accepted as a chat image_url part.</summary>
    private static void WriteImagePart(JsonElement part, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WritePropertyName("url"u8);
        part.GetProperty("image_url"u8).WriteTo(writer);
        if (part.TryGetProperty("detail"u8, out var detail) && detail.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("detail"u8);
            detail.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes an input_file with inline data as OpenAI's chat file part.</summary>
    private static void WriteFilePart(JsonElement part, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "file"u8);
        writer.WriteStartObject("file"u8);

        // OpenAI wants a file name with inline file data; the data URL already says the media type.
        writer.WritePropertyName("filename"u8);
        if (part.TryGetProperty("filename"u8, out var filename) && IsNonEmptyString(filename))
        {
            filename.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue("file"u8);
        }

        writer.WritePropertyName("file_data"u8);
        part.GetProperty("file_data"u8).WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static ResponsesError? WriteToolMessage(JsonElement item, int index, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        var error = CheckString(item, "call_id"u8, index, "call_id");
        if (error is not null)
        {
            return error;
        }

        item.TryGetProperty("output"u8, out var output);
        texts.Clear();
        if (output.ValueKind == JsonValueKind.Array)
        {
            var partIndex = -1;
            foreach (var part in output.EnumerateArray())
            {
                partIndex++;
                if (IsType(part, "input_image"u8) || IsType(part, "input_file"u8))
                {
                    // Chat tool messages carry text only.
                    return Unsupported($"input[{index}].output[{partIndex}].type",
                        "Images and files in a function_call_output are not supported: a chat model takes text only in tool results.");
                }

                error = CheckTextPart(part, index, partIndex, allowRefusal: false, out var text, "output");
                if (error is not null)
                {
                    return error;
                }

                texts.Add(text);
            }
        }
        else if (output.ValueKind == JsonValueKind.String)
        {
            texts.Add(output);
        }
        else
        {
            return IsSet(output) ? InvalidType($"input[{index}].output", "a string or an array", output) : Missing($"input[{index}].output");
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "tool"u8);
        writer.WritePropertyName("tool_call_id"u8);
        item.GetProperty("call_id"u8).WriteTo(writer);
        writer.WritePropertyName("content"u8);
        WriteJoined(texts, "\\n\\n"u8, writer);
        writer.WriteEndObject();
        return null;
    }

    /// <summary>Collects the texts of a string or a list of text parts into <paramref name="texts"/>.</summary>
    internal static ResponsesError? CollectTexts(JsonElement content, int index, List<JsonElement> texts, bool allowRefusal)
    {
        texts.Clear();
        if (content.ValueKind == JsonValueKind.String)
        {
            if (!content.ValueEquals(""u8))
            {
                texts.Add(content);
            }

            return null;
        }

        var partIndex = -1;
        foreach (var part in content.EnumerateArray())
        {
            partIndex++;
            var error = CheckTextPart(part, index, partIndex, allowRefusal, out var text);
            if (error is not null)
            {
                return error;
            }

            // An empty part would only leave a stray blank line between its neighbours.
            if (!text.ValueEquals(""u8))
            {
                texts.Add(text);
            }
        }

        return null;
    }

    /// <summary>
    /// Accepts input_text and output_text (clients replay an answer's parts in whatever role), and a refusal where
    /// <paramref name="allowRefusal"/>: what the model said instead of an answer is still what it said.
    /// </summary>
    private static ResponsesError? CheckTextPart(JsonElement part, int index, int partIndex, bool allowRefusal, out JsonElement text, string field = "content")
    {
        text = default;
        if (part.ValueKind != JsonValueKind.Object)
        {
            return InvalidType($"input[{index}].{field}[{partIndex}]", "an object", part);
        }

        var textName = "text";
        if (IsType(part, "input_text"u8) || IsType(part, "output_text"u8))
        {
            part.TryGetProperty("text"u8, out text);
        }
        else if (allowRefusal && IsType(part, "refusal"u8))
        {
            part.TryGetProperty("refusal"u8, out text);
            textName = "refusal";
        }
        else
        {
            var type = TypeOf(part);
            return type is null
                ? Missing($"input[{index}].{field}[{partIndex}].type")
                : Unsupported($"input[{index}].{field}[{partIndex}].type", $"Content parts of type '{type}' are not supported here.");
        }

        return text.ValueKind == JsonValueKind.String
            ? null
            : IsSet(text) ? InvalidType($"input[{index}].{field}[{partIndex}].{textName}", "a string", text) : Missing($"input[{index}].{field}[{partIndex}].{textName}");
    }

    private static ResponsesError? CheckString(JsonElement item, ReadOnlySpan<byte> name, int index, string field)
    {
        if (item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            return null;
        }

        return IsSet(value) ? InvalidType($"input[{index}].{field}", "a string", value) : Missing($"input[{index}].{field}");
    }

    /// <summary>Writes the texts as one JSON string, <paramref name="escapedSeparator"/> between them; "" for none.</summary>
    internal static void WriteJoined(List<JsonElement> texts, ReadOnlySpan<byte> escapedSeparator, Utf8JsonWriter writer)
    {
        if (texts.Count == 0)
        {
            writer.WriteStringValue(""u8);
            return;
        }

        JsonTextJoiner.Write(CollectionsMarshal.AsSpan(texts), default, escapedSeparator, writer);
    }
}
