using System.Buffers;
using System.Text.Json;

using static Tollgate.Providers.Anthropic.AnthropicRequestJson;

namespace Tollgate.Providers.Anthropic;

/// <summary>OpenAI chat messages as Anthropic's alternating user and assistant turns: text, images, tool uses and results.</summary>
internal static class AnthropicMessagesWriter
{
    private static readonly SearchValues<byte> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    internal static RequestTranslationError? WriteMessages(JsonElement messages, Utf8JsonWriter writer)
    {
        // Anthropic wants user and assistant turns to alternate; OpenAI does not (tool results follow one another, and
        // clients send two user messages in a row). A run of same-role messages becomes one turn. The first message of
        // a run is held back until the next one shows whether the run has more, because a lone user string stays a
        // string while a merged turn needs content blocks.
        writer.WriteStartArray("messages"u8);
        var turnRole = ChatRole.Unknown;
        JsonElement held = default;
        var heldIndex = -1;
        var merging = false;
        var turns = 0;
        var index = -1;
        RequestTranslationError? error;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            if (message.ValueKind != JsonValueKind.Object)
            {
                return new RequestTranslationError("Each message must be an object.", $"messages[{index}]");
            }

            var role = ReadRole(message);
            if (role == ChatRole.Unknown)
            {
                return new RequestTranslationError(
                    "'role' must be one of 'system', 'developer', 'user', 'assistant' or 'tool'.", $"messages[{index}].role");
            }

            if (role == ChatRole.System)
            {
                continue;
            }

            // Tool results travel in user turns on Anthropic.
            var messageTurnRole = role == ChatRole.Assistant ? ChatRole.Assistant : ChatRole.User;
            if (messageTurnRole == turnRole)
            {
                if (!merging)
                {
                    StartTurn(turnRole, writer);
                    error = WriteBlocks(held, heldIndex, writer);
                    if (error is not null)
                    {
                        return error;
                    }

                    merging = true;
                }

                error = WriteBlocks(message, index, writer);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            error = EndTurn(held, heldIndex, merging, writer);
            if (error is not null)
            {
                return error;
            }

            turns++;
            turnRole = messageTurnRole;
            held = message;
            heldIndex = index;
            merging = false;
        }

        error = EndTurn(held, heldIndex, merging, writer);
        if (error is not null)
        {
            return error;
        }

        if (turns == 0)
        {
            return new RequestTranslationError("'messages' must contain at least one user or assistant message.", "messages");
        }

        writer.WriteEndArray();
        return null;
    }

    internal static void StartTurn(ChatRole turnRole, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, turnRole == ChatRole.Assistant ? "assistant"u8 : "user"u8);
        writer.WriteStartArray("content"u8);
    }

    /// <summary>Closes the open turn: a merged one is finished, a held lone message is written whole.</summary>
    internal static RequestTranslationError? EndTurn(JsonElement held, int heldIndex, bool merging, Utf8JsonWriter writer)
    {
        if (merging)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
            return null;
        }

        if (held.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var role = ReadRole(held);
        if (role == ChatRole.User && held.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WritePropertyName("content"u8);
            content.WriteTo(writer);
            writer.WriteEndObject();
            return null;
        }

        StartTurn(role == ChatRole.Assistant ? ChatRole.Assistant : ChatRole.User, writer);
        var error = WriteBlocks(held, heldIndex, writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
        return error;
    }

    /// <summary>Writes one message's content blocks into the open content array of its turn.</summary>
    internal static RequestTranslationError? WriteBlocks(JsonElement message, int index, Utf8JsonWriter writer)
    {
        message.TryGetProperty("content"u8, out var content);
        switch (ReadRole(message))
        {
            case ChatRole.User:
                if (content.ValueKind != JsonValueKind.String && content.ValueKind != JsonValueKind.Array)
                {
                    return new RequestTranslationError("'content' must be a string or an array of content parts.", $"messages[{index}].content");
                }

                return WriteContent(content, index, allowImages: true, writer);

            case ChatRole.Assistant:
                var error = WriteContent(content, index, allowImages: false, writer);
                return error ?? WriteToolUses(message, index, writer);

            default:
                return WriteToolResult(message, content, index, writer);
        }
    }

    /// <summary>String or parts content as text (and image) blocks; null content writes nothing.</summary>
    internal static RequestTranslationError? WriteContent(JsonElement content, int index, bool allowImages, Utf8JsonWriter writer)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            // Anthropic rejects empty text blocks; clients send content "" next to tool_calls.
            if (!IsEmptyString(content))
            {
                WriteTextBlock(content, default, writer);
            }

            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return content.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
                ? null
                : new RequestTranslationError("'content' must be a string or an array of content parts.", $"messages[{index}].content");
        }

        var partIndex = -1;
        foreach (var part in content.EnumerateArray())
        {
            partIndex++;
            if (TryGetTextPart(part, out var text, out var cacheControl))
            {
                if (!IsEmptyString(text))
                {
                    WriteTextBlock(text, cacheControl, writer);
                }

                continue;
            }

            if (allowImages && part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("type"u8, out var type) && type.ValueEquals("image_url"u8))
            {
                var error = WriteImage(part, index, partIndex, writer);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            // Assistant messages may carry a refusal part; to Claude it is simply what the assistant said.
            if (!allowImages && part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("type"u8, out type) && type.ValueEquals("refusal"u8)
                && part.TryGetProperty("refusal"u8, out var refusal) && refusal.ValueKind == JsonValueKind.String)
            {
                if (!IsEmptyString(refusal))
                {
                    WriteTextBlock(refusal, default, writer);
                }

                continue;
            }

            return UnsupportedPart(part, $"messages[{index}].content[{partIndex}]");
        }

        return null;
    }

    internal static RequestTranslationError UnsupportedPart(JsonElement part, string param)
    {
        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String)
        {
            return new RequestTranslationError($"Content part type '{type.GetString()}' is not supported for Anthropic models.", param + ".type");
        }

        return new RequestTranslationError("Each content part must be an object with a 'type'.", param);
    }

    internal static RequestTranslationError? WriteImage(JsonElement part, int index, int partIndex, Utf8JsonWriter writer)
    {
        var param = $"messages[{index}].content[{partIndex}].image_url";
        part.TryGetProperty("image_url"u8, out var imageUrl);

        // The object form {url, detail} is the standard one; some clients send the URL string directly.
        var url = imageUrl;
        if (imageUrl.ValueKind == JsonValueKind.Object)
        {
            imageUrl.TryGetProperty("url"u8, out url);
        }

        if (url.ValueKind != JsonValueKind.String)
        {
            return new RequestTranslationError("'image_url.url' must be a string.", param);
        }

        byte[]? rented = null;
        try
        {
            var bytes = JsonStringBytes.Get(url, ref rented);
            if (StartsWithIgnoreCase(bytes, "https://"u8) || StartsWithIgnoreCase(bytes, "http://"u8))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "image"u8);
                writer.WriteStartObject("source"u8);
                writer.WriteString("type"u8, "url"u8);
                writer.WritePropertyName("url"u8);
                url.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                return null;
            }

            // data:<media type>[;<parameter>]*;base64,<data>
            var comma = bytes.IndexOf((byte)',');
            if (!StartsWithIgnoreCase(bytes, "data:"u8) || comma < 0 || !bytes[..comma].EndsWith(";base64"u8))
            {
                return new RequestTranslationError("Images must be http(s) URLs or base64 data URLs.", param);
            }

            var header = bytes[5..comma];
            var mediaType = header[..header.IndexOf((byte)';')];
            writer.WriteStartObject();
            writer.WriteString("type"u8, "image"u8);
            writer.WriteStartObject("source"u8);
            writer.WriteString("type"u8, "base64"u8);
            writer.WriteString("media_type"u8, mediaType);
            WriteBase64("data"u8, bytes[(comma + 1)..], writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
            return null;
        }
        finally
        {
            JsonStringBytes.Return(rented);
        }
    }

    /// <summary>
    /// Images are the largest thing a request carries. The default encoder escapes every '+' as \u002B (8% more bytes
    /// on a typical image, on the slow escaping path), so clean base64 is copied between quotes as it is.
    /// </summary>
    internal static void WriteBase64(ReadOnlySpan<byte> name, ReadOnlySpan<byte> base64, Utf8JsonWriter writer)
    {
        if (base64.ContainsAnyExcept(Base64Alphabet))
        {
            // Not clean base64: let the writer escape it, and Anthropic say what is wrong with it.
            writer.WriteString(name, base64);
            return;
        }

        var quoted = ArrayPool<byte>.Shared.Rent(base64.Length + 2);
        try
        {
            quoted[0] = (byte)'"';
            base64.CopyTo(quoted.AsSpan(1));
            quoted[base64.Length + 1] = (byte)'"';
            writer.WritePropertyName(name);
            writer.WriteRawValue(quoted.AsSpan(0, base64.Length + 2), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(quoted);
        }
    }

    internal static RequestTranslationError? WriteToolUses(JsonElement message, int index, Utf8JsonWriter writer)
    {
        if (!message.TryGetProperty("tool_calls"u8, out var toolCalls) || toolCalls.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (toolCalls.ValueKind != JsonValueKind.Array)
        {
            return new RequestTranslationError("'tool_calls' must be an array.", $"messages[{index}].tool_calls");
        }

        var callIndex = -1;
        foreach (var call in toolCalls.EnumerateArray())
        {
            callIndex++;
            var param = $"messages[{index}].tool_calls[{callIndex}]";
            if (call.ValueKind != JsonValueKind.Object)
            {
                return new RequestTranslationError("Each tool call must be an object.", param);
            }

            if (call.TryGetProperty("type"u8, out var type) && !type.ValueEquals("function"u8))
            {
                return new RequestTranslationError("Only 'function' tool calls are supported for Anthropic models.", param + ".type");
            }

            if (!call.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String)
            {
                return new RequestTranslationError("A tool call needs a string 'id'.", param + ".id");
            }

            if (!call.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
            {
                return new RequestTranslationError("A tool call needs 'function.name'.", param + ".function.name");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "tool_use"u8);
            writer.WritePropertyName("id"u8);
            id.WriteTo(writer);
            writer.WritePropertyName("name"u8);
            name.WriteTo(writer);
            writer.WritePropertyName("input"u8);
            function.TryGetProperty("arguments"u8, out var arguments);
            ToolInputJson.Write(arguments, writer);
            writer.WriteEndObject();
        }

        return null;
    }

    internal static RequestTranslationError? WriteToolResult(JsonElement message, JsonElement content, int index, Utf8JsonWriter writer)
    {
        if (!message.TryGetProperty("tool_call_id"u8, out var toolCallId) || toolCallId.ValueKind != JsonValueKind.String)
        {
            return new RequestTranslationError("A tool message needs a string 'tool_call_id'.", $"messages[{index}].tool_call_id");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "tool_result"u8);
        writer.WritePropertyName("tool_use_id"u8);
        toolCallId.WriteTo(writer);
        if (content.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("content"u8);
            content.WriteTo(writer);
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            writer.WriteStartArray("content"u8);
            var partIndex = -1;
            foreach (var part in content.EnumerateArray())
            {
                partIndex++;
                if (!TryGetTextPart(part, out var text, out var cacheControl))
                {
                    return UnsupportedPart(part, $"messages[{index}].content[{partIndex}]");
                }

                if (!IsEmptyString(text))
                {
                    WriteTextBlock(text, cacheControl, writer);
                }
            }

            writer.WriteEndArray();
        }
        else if (content.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            return new RequestTranslationError("'content' must be a string or an array of text parts.", $"messages[{index}].content");
        }

        writer.WriteEndObject();
        return null;
    }

    internal static ChatRole ReadRole(JsonElement message)
    {
        if (!message.TryGetProperty("role"u8, out var role) || role.ValueKind != JsonValueKind.String)
        {
            return ChatRole.Unknown;
        }

        if (role.ValueEquals("user"u8))
        {
            return ChatRole.User;
        }

        if (role.ValueEquals("assistant"u8))
        {
            return ChatRole.Assistant;
        }

        if (role.ValueEquals("tool"u8))
        {
            return ChatRole.Tool;
        }

        // Anthropic has one system prompt; OpenAI's developer role is the system role renamed for reasoning models.
        if (role.ValueEquals("system"u8) || role.ValueEquals("developer"u8))
        {
            return ChatRole.System;
        }

        return ChatRole.Unknown;
    }
}
