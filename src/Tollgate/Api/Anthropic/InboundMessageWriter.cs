using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tollgate.Providers.Anthropic;
using static Tollgate.Api.Anthropic.InboundJson;

namespace Tollgate.Api.Anthropic;

/// <summary>
/// Writes Anthropic's <c>system</c> and <c>messages</c> as the elements of an OpenAI <c>messages</c> array.
/// </summary>
/// <remarks>
/// <code>
///   system (string or text blocks) ─────► {"role":"system","content":"..."}
///   user, text blocks only ─────────────► {"role":"user","content":"..."}
///   user with image / PDF blocks ───────► {"role":"user","content":[text, image_url, file parts]}
///   user tool_result blocks ────────────► {"role":"tool","tool_call_id","content":"..."}, before the rest of the turn
///   assistant text + tool_use ──────────► {"role":"assistant","content","tool_calls":[...]}
///   assistant thinking, redacted ───────► dropped
/// </code>
/// <paramref name="texts"/> arguments are one scratch list reused for every join, so a long conversation allocates it once.
/// </remarks>
internal static class InboundMessageWriter
{
    // Already JSON-escaped. Separate blocks of one message or system prompt are separate paragraphs; gluing them
    // without a break would run the last word of one into the first of the next.
    private static ReadOnlySpan<byte> ParagraphBreak => "\\n\\n"u8;

    private static ReadOnlySpan<byte> ToolErrorPrefix => "Error: "u8;

    public static InboundError? WriteSystem(JsonElement system, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        if (system.ValueKind == JsonValueKind.String)
        {
            if (IsNonEmptyString(system))
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "system"u8);
                writer.WritePropertyName("content"u8);
                system.WriteTo(writer);
                writer.WriteEndObject();
            }

            return null;
        }

        if (system.ValueKind != JsonValueKind.Array)
        {
            return IsSet(system) ? Invalid("system", "Input should be a valid string or a list of text blocks") : null;
        }

        // Claude Code and other agents send the system prompt as several blocks to place cache_control breakpoints.
        // Those have no chat counterpart, and a plain string is what every OpenAI-compatible server accepts.
        texts.Clear();
        var index = -1;
        foreach (var block in system.EnumerateArray())
        {
            index++;
            if (!IsBlock(block, "text"u8))
            {
                return Invalid($"system.{index}.type", "Only text blocks are allowed in the system prompt");
            }

            if (!block.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
            {
                return Invalid($"system.{index}.text", "Field required");
            }

            AddIfNotEmpty(text, texts);
        }

        if (texts.Count > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WritePropertyName("content"u8);
            JsonTextJoiner.Write(CollectionsMarshal.AsSpan(texts), default, ParagraphBreak, writer);
            writer.WriteEndObject();
        }

        return null;
    }

    public static InboundError? WriteMessages(JsonElement messages, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        var index = -1;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            var path = new InboundBlockPath(index);
            if (message.ValueKind != JsonValueKind.Object)
            {
                return Invalid(path.ToString(), "Input should be a valid dictionary");
            }

            if (!message.TryGetProperty("content"u8, out var content)
                || (content.ValueKind != JsonValueKind.String && content.ValueKind != JsonValueKind.Array))
            {
                return Invalid($"{path}.content", "Input should be a valid string or a list of content blocks");
            }

            message.TryGetProperty("role"u8, out var role);
            var error = IsString(role, "user"u8) ? WriteUserMessage(content, path, texts, writer)
                : IsString(role, "assistant"u8) ? WriteAssistantMessage(content, path, texts, writer)
                : Invalid($"{path}.role", "Input should be 'user' or 'assistant'");
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static InboundError? WriteUserMessage(JsonElement content, InboundBlockPath path, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WritePropertyName("content"u8);
            content.WriteTo(writer);
            writer.WriteEndObject();
            return null;
        }

        // OpenAI answers a tool call with a "tool" message right after the assistant turn, before anything else the
        // user says; Anthropic puts tool results in the user turn. So the results go first, then one user message
        // with the remaining blocks in their order. Images inside tool results go there too: tool messages are text.
        var hasMedia = false;
        var hasUserPart = false;
        var blockIndex = -1;
        foreach (var block in content.EnumerateArray())
        {
            blockIndex++;
            var blockPath = path.WithBlock(blockIndex);
            if (IsBlock(block, "tool_result"u8))
            {
                var error = WriteToolMessage(block, blockPath, texts, writer, out var hasImages);
                if (error is not null)
                {
                    return error;
                }

                hasMedia |= hasImages;
                hasUserPart |= hasImages;
                continue;
            }

            var part = ClassifyUserBlock(block, blockPath, out var classifyError);
            if (classifyError is not null)
            {
                return classifyError;
            }

            hasUserPart = true;
            hasMedia |= part != InboundUserPart.Text;
        }

        // A turn of nothing but tool results is complete with its tool messages. An empty list still writes a user
        // message, so the turn keeps its place.
        if (!hasUserPart && blockIndex >= 0)
        {
            return null;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "user"u8);
        writer.WritePropertyName("content"u8);
        if (hasMedia)
        {
            WriteUserParts(content, writer);
        }
        else
        {
            // Text alone becomes a string, which every OpenAI-compatible server accepts (not all take part arrays).
            texts.Clear();
            foreach (var block in content.EnumerateArray())
            {
                if (TryGetUserText(block, out var text))
                {
                    AddIfNotEmpty(text, texts);
                }
            }

            WriteJoinedOrEmpty(texts, default, writer);
        }

        writer.WriteEndObject();
        return null;
    }

    /// <summary>Validates one user block that is not a tool result and says what it becomes.</summary>
    private static InboundUserPart ClassifyUserBlock(JsonElement block, InboundBlockPath path, out InboundError? error)
    {
        error = null;
        if (IsBlock(block, "text"u8))
        {
            error = HasString(block, "text"u8) ? null : Invalid($"{path}.text", "Field required");
            return InboundUserPart.Text;
        }

        if (IsBlock(block, "image"u8))
        {
            error = InboundMediaParts.CheckImageSource(block, path);
            return InboundUserPart.Image;
        }

        if (IsBlock(block, "document"u8))
        {
            block.TryGetProperty("source"u8, out var source);
            if (IsBlock(source, "text"u8))
            {
                // A plain-text document is text to the model.
                error = HasString(source, "data"u8) ? null : Invalid($"{path}.source.data", "Field required");
                return InboundUserPart.Text;
            }

            if (IsBlock(source, "base64"u8))
            {
                // A PDF travels as OpenAI's file part, which OpenAI reads; other chat upstreams may refuse it.
                error = InboundMediaParts.CheckBase64Source(source, path);
                return InboundUserPart.File;
            }

            error = Invalid($"{path}.source.type", "Only base64 and text document sources can be sent to this model's provider");
            return InboundUserPart.File;
        }

        error = UnsupportedBlock(block, path);
        return InboundUserPart.Text;
    }

    /// <summary>Writes a user turn that holds media as an array of OpenAI content parts, in block order.</summary>
    private static void WriteUserParts(JsonElement content, Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var block in content.EnumerateArray())
        {
            if (IsBlock(block, "tool_result"u8))
            {
                if (block.TryGetProperty("content"u8, out var resultContent) && resultContent.ValueKind == JsonValueKind.Array)
                {
                    foreach (var inner in resultContent.EnumerateArray())
                    {
                        if (IsBlock(inner, "image"u8))
                        {
                            InboundMediaParts.WriteImagePart(inner, writer);
                        }
                    }
                }
            }
            else if (IsBlock(block, "image"u8))
            {
                InboundMediaParts.WriteImagePart(block, writer);
            }
            else if (IsBlock(block, "document"u8) && IsBlock(block.GetProperty("source"u8), "base64"u8))
            {
                InboundMediaParts.WriteFilePart(block, writer);
            }
            else if (TryGetUserText(block, out var text) && IsNonEmptyString(text))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WritePropertyName("text"u8);
                text.WriteTo(writer);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>The text a user block contributes: a text block's text or a text document's data.</summary>
    private static bool TryGetUserText(JsonElement block, out JsonElement text)
    {
        text = default;
        if (IsBlock(block, "text"u8))
        {
            return block.TryGetProperty("text"u8, out text);
        }

        return IsBlock(block, "document"u8) && block.TryGetProperty("source"u8, out var source) && IsBlock(source, "text"u8)
            && source.TryGetProperty("data"u8, out text);
    }

    private static InboundError? WriteToolMessage(JsonElement block, InboundBlockPath path, List<JsonElement> texts, Utf8JsonWriter writer, out bool hasImages)
    {
        hasImages = false;
        if (!block.TryGetProperty("tool_use_id"u8, out var toolUseId) || toolUseId.ValueKind != JsonValueKind.String)
        {
            return Invalid($"{path}.tool_use_id", "Field required");
        }

        texts.Clear();
        block.TryGetProperty("content"u8, out var content);
        if (content.ValueKind == JsonValueKind.String)
        {
            AddIfNotEmpty(content, texts);
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            var index = -1;
            foreach (var inner in content.EnumerateArray())
            {
                index++;
                var innerPath = path.WithInner(index);
                if (IsBlock(inner, "text"u8))
                {
                    if (!inner.TryGetProperty("text"u8, out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        return Invalid($"{innerPath}.text", "Field required");
                    }

                    AddIfNotEmpty(text, texts);
                }
                else if (IsBlock(inner, "image"u8))
                {
                    var error = InboundMediaParts.CheckImageSource(inner, innerPath);
                    if (error is not null)
                    {
                        return error;
                    }

                    hasImages = true;
                }
                else
                {
                    return UnsupportedBlock(inner, innerPath);
                }
            }
        }
        else if (IsSet(content))
        {
            return Invalid($"{path}.content", "Input should be a valid string or a list of content blocks");
        }

        // OpenAI tool messages have no error flag; saying it in the text is how the model still learns the call failed.
        var isError = block.TryGetProperty("is_error"u8, out var isErrorElement) && isErrorElement.ValueKind == JsonValueKind.True;

        writer.WriteStartObject();
        writer.WriteString("role"u8, "tool"u8);
        writer.WritePropertyName("tool_call_id"u8);
        toolUseId.WriteTo(writer);
        writer.WritePropertyName("content"u8);
        WriteJoinedOrEmpty(texts, isError ? ToolErrorPrefix : default, writer);
        writer.WriteEndObject();
        return null;
    }

    private static InboundError? WriteAssistantMessage(JsonElement content, InboundBlockPath path, List<JsonElement> texts, Utf8JsonWriter writer)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "assistant"u8);
            writer.WritePropertyName("content"u8);
            content.WriteTo(writer);
            writer.WriteEndObject();
            return null;
        }

        texts.Clear();
        var toolUses = 0;
        var blockIndex = -1;
        foreach (var block in content.EnumerateArray())
        {
            blockIndex++;
            InboundError? error = null;
            if (IsBlock(block, "text"u8))
            {
                if (block.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    AddIfNotEmpty(text, texts);
                }
                else
                {
                    error = Invalid($"{path.WithBlock(blockIndex)}.text", "Field required");
                }
            }
            else if (IsBlock(block, "tool_use"u8))
            {
                error = CheckToolUse(block, path.WithBlock(blockIndex));
                toolUses++;
            }
            else if (!IsBlock(block, "thinking"u8) && !IsBlock(block, "redacted_thinking"u8))
            {
                // Thinking is dropped: it is signed by Anthropic for Anthropic, and another model can neither verify
                // nor use it. Anything else (server tool blocks) has no chat counterpart.
                error = UnsupportedBlock(block, path.WithBlock(blockIndex));
            }

            if (error is not null)
            {
                return error;
            }
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        writer.WritePropertyName("content"u8);
        if (texts.Count > 0)
        {
            // Claude splits one answer into several text blocks around citations; joined as they are, it reads as said.
            JsonTextJoiner.Write(CollectionsMarshal.AsSpan(texts), default, default, writer);
        }
        else if (toolUses > 0)
        {
            // What OpenAI itself returns next to tool calls.
            writer.WriteNullValue();
        }
        else
        {
            // A turn that held only thinking keeps its place, so user and assistant turns still alternate.
            writer.WriteStringValue(""u8);
        }

        if (toolUses > 0)
        {
            AnthropicToolUse.WriteToolCalls(content, writer);
        }

        writer.WriteEndObject();
        return null;
    }

    private static InboundError? CheckToolUse(JsonElement block, InboundBlockPath path)
    {
        if (!HasString(block, "id"u8))
        {
            return Invalid($"{path}.id", "Field required");
        }

        if (!HasString(block, "name"u8))
        {
            return Invalid($"{path}.name", "Field required");
        }

        if (block.TryGetProperty("input"u8, out var input) && input.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"{path}.input", "Input should be a valid dictionary");
        }

        return null;
    }

    /// <summary>Writes the texts as one paragraph-separated string, or just the prefix when there are none.</summary>
    private static void WriteJoinedOrEmpty(List<JsonElement> texts, ReadOnlySpan<byte> escapedPrefix, Utf8JsonWriter writer)
    {
        if (texts.Count > 0)
        {
            JsonTextJoiner.Write(CollectionsMarshal.AsSpan(texts), escapedPrefix, ParagraphBreak, writer);
        }
        else
        {
            // The prefix is plain ASCII, so its escaped form is its value.
            writer.WriteStringValue(escapedPrefix);
        }
    }

    /// <summary>Empty text says nothing, and Anthropic clients send it (an empty block next to a tool result).</summary>
    private static void AddIfNotEmpty(JsonElement text, List<JsonElement> texts)
    {
        if (IsNonEmptyString(text))
        {
            texts.Add(text);
        }
    }

    private static InboundError UnsupportedBlock(JsonElement block, InboundBlockPath path)
    {
        if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String)
        {
            return Invalid($"{path}.type", $"Content block type '{type.GetString()}' is not supported by this model's provider");
        }

        return Invalid(path.ToString(), "Input should be a content block object with a 'type'");
    }
}
