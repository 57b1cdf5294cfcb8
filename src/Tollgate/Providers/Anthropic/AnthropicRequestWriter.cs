using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Rewrites an OpenAI Chat Completions request as an Anthropic Messages request, straight into a writer.
/// </summary>
/// <remarks>
/// <code>
///   OpenAI request                           Anthropic request
///   ──────────────                           ─────────────────
///   system / developer messages ───────────► system: [text blocks] (+ JSON-mode instruction)
///   user / assistant / tool messages ──────► messages: alternating user / assistant turns
///   max_completion_tokens, stop, user, ...─► max_tokens, stop_sequences, metadata.user_id, ...
///   tools, tool_choice, parallel_tool_calls► tools, tool_choice (+ disable_parallel_tool_use)
///   reasoning_effort ──────────────────────► thinking.budget_tokens
///   stream_options, seed, logprobs, ... ───► dropped: Anthropic rejects unknown fields
/// </code>
/// When <see cref="Write"/> returns an error the writer holds a partial document, which the caller discards.
/// </remarks>
internal static class AnthropicRequestWriter
{
    // Anthropic requires max_tokens and OpenAI does not; 4096 is within every current Claude model's output limit.
    private const int DefaultMaxTokens = 4096;

    // OpenAI's temperature goes to 2, Anthropic's to 1 (above it Anthropic answers 400).
    private const double MaxTemperature = 1.0;

    private const string JsonInstruction = "Respond with a JSON object only.";

    private static readonly SearchValues<byte> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    private static readonly JsonWriterOptions SchemaWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static RequestTranslationError? Write(JsonElement openAiRequest, string upstreamModel, bool stream, Utf8JsonWriter writer)
    {
        if (openAiRequest.ValueKind != JsonValueKind.Object)
        {
            return new RequestTranslationError("The request body must be a JSON object.", null);
        }

        // One pass over the top level picks out what Anthropic understands; everything else is dropped by omission.
        JsonElement messages = default, maxCompletionTokens = default, maxTokens = default, temperature = default, topP = default;
        JsonElement topK = default, stop = default, user = default, tools = default, toolChoice = default, parallelToolCalls = default;
        JsonElement n = default, responseFormat = default, reasoningEffort = default;
        foreach (var property in openAiRequest.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("messages"u8))
            {
                messages = value;
            }
            else if (property.NameEquals("max_completion_tokens"u8))
            {
                maxCompletionTokens = value;
            }
            else if (property.NameEquals("max_tokens"u8))
            {
                maxTokens = value;
            }
            else if (property.NameEquals("temperature"u8))
            {
                temperature = value;
            }
            else if (property.NameEquals("top_p"u8))
            {
                topP = value;
            }
            else if (property.NameEquals("top_k"u8))
            {
                topK = value;
            }
            else if (property.NameEquals("stop"u8))
            {
                stop = value;
            }
            else if (property.NameEquals("user"u8))
            {
                user = value;
            }
            else if (property.NameEquals("tools"u8))
            {
                tools = value;
            }
            else if (property.NameEquals("tool_choice"u8))
            {
                toolChoice = value;
            }
            else if (property.NameEquals("parallel_tool_calls"u8))
            {
                parallelToolCalls = value;
            }
            else if (property.NameEquals("n"u8))
            {
                n = value;
            }
            else if (property.NameEquals("response_format"u8))
            {
                responseFormat = value;
            }
            else if (property.NameEquals("reasoning_effort"u8))
            {
                reasoningEffort = value;
            }
        }

        // Everything that can be rejected without looking into messages is checked before the first byte is written.
        if (n.ValueKind == JsonValueKind.Number && (!n.TryGetInt32(out var choiceCount) || choiceCount > 1))
        {
            return new RequestTranslationError("Anthropic models return one choice per request; 'n' must be 1.", "n");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return new RequestTranslationError("'messages' must be an array.", "messages");
        }

        var maxTokensParam = IsSet(maxCompletionTokens) ? "max_completion_tokens" : "max_tokens";
        var maxTokensElement = IsSet(maxCompletionTokens) ? maxCompletionTokens : maxTokens;
        long maxTokenCount = DefaultMaxTokens;
        if (IsSet(maxTokensElement))
        {
            if (maxTokensElement.ValueKind != JsonValueKind.Number || !maxTokensElement.TryGetInt32(out var requested) || requested < 1)
            {
                return new RequestTranslationError($"'{maxTokensParam}' must be a positive integer.", maxTokensParam);
            }

            maxTokenCount = requested;
        }

        var error = ReadThinkingBudget(reasoningEffort, out var thinkingBudget);
        if (error is not null)
        {
            return error;
        }

        error = ReadJsonMode(responseFormat, out var jsonMode, out var jsonSchema);
        if (error is not null)
        {
            return error;
        }

        writer.WriteStartObject();
        writer.WriteString("model"u8, upstreamModel);

        // Anthropic counts thinking against max_tokens and requires max_tokens > budget_tokens; adding the budget
        // keeps the whole requested allowance for the visible answer, which is what an OpenAI client asked for.
        writer.WriteNumber("max_tokens"u8, maxTokenCount + thinkingBudget);
        writer.WriteBoolean("stream"u8, stream);

        error = WriteSystem(messages, jsonMode, jsonSchema, writer);
        error ??= WriteMessages(messages, writer);
        if (error is not null)
        {
            return error;
        }

        // Anthropic rejects temperature and top_k with extended thinking, and top_p below 0.95; OpenAI reasoning
        // models ignore sampling settings too, so dropping them keeps the request valid without changing intent.
        if (thinkingBudget == 0)
        {
            if (temperature.ValueKind == JsonValueKind.Number)
            {
                writer.WritePropertyName("temperature"u8);
                if (temperature.GetDouble() > MaxTemperature)
                {
                    writer.WriteNumberValue(MaxTemperature);
                }
                else
                {
                    temperature.WriteTo(writer);
                }
            }

            CopyNumber("top_p"u8, topP, writer);
            CopyNumber("top_k"u8, topK, writer);
        }

        error = WriteStopSequences(stop, writer);
        if (error is not null)
        {
            return error;
        }

        if (user.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject("metadata"u8);
            writer.WritePropertyName("user_id"u8);
            user.WriteTo(writer);
            writer.WriteEndObject();
        }

        // tool_choice without tools is rejected by Anthropic and meaningless anyway: with no tools, none is called.
        if (tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
        {
            error = WriteTools(tools, writer);
            error ??= WriteToolChoice(toolChoice, parallelToolCalls, writer);
            if (error is not null)
            {
                return error;
            }
        }

        if (thinkingBudget > 0)
        {
            writer.WriteStartObject("thinking"u8);
            writer.WriteString("type"u8, "enabled"u8);
            writer.WriteNumber("budget_tokens"u8, thinkingBudget);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        return null;
    }

    private static RequestTranslationError? ReadThinkingBudget(JsonElement reasoningEffort, out int budget)
    {
        budget = 0;
        if (!IsSet(reasoningEffort))
        {
            return null;
        }

        // 1024 is Anthropic's minimum budget; each step up quadruples it.
        if (reasoningEffort.ValueKind == JsonValueKind.String)
        {
            if (reasoningEffort.ValueEquals("low"u8))
            {
                budget = 1024;
                return null;
            }

            if (reasoningEffort.ValueEquals("medium"u8))
            {
                budget = 4096;
                return null;
            }

            if (reasoningEffort.ValueEquals("high"u8))
            {
                budget = 16384;
                return null;
            }

            // OpenAI's "minimal" and "none" ask for (next to) no reasoning, which is Claude without thinking.
            if (reasoningEffort.ValueEquals("minimal"u8) || reasoningEffort.ValueEquals("none"u8))
            {
                return null;
            }
        }

        return new RequestTranslationError(
            "'reasoning_effort' must be one of 'none', 'minimal', 'low', 'medium' or 'high' for Anthropic models.", "reasoning_effort");
    }

    /// <summary>
    /// Anthropic's Messages API has no response_format. JSON mode becomes an instruction appended to the system
    /// prompt (with the schema for json_schema), which Claude follows reliably; the response is not validated.
    /// </summary>
    private static RequestTranslationError? ReadJsonMode(JsonElement responseFormat, out bool jsonMode, out JsonElement schema)
    {
        jsonMode = false;
        schema = default;
        if (!IsSet(responseFormat))
        {
            return null;
        }

        if (responseFormat.ValueKind == JsonValueKind.Object && responseFormat.TryGetProperty("type"u8, out var type))
        {
            if (type.ValueEquals("text"u8))
            {
                return null;
            }

            if (type.ValueEquals("json_object"u8))
            {
                jsonMode = true;
                return null;
            }

            if (type.ValueEquals("json_schema"u8))
            {
                jsonMode = true;
                if (responseFormat.TryGetProperty("json_schema"u8, out var jsonSchema)
                    && jsonSchema.ValueKind == JsonValueKind.Object
                    && jsonSchema.TryGetProperty("schema"u8, out var schemaBody)
                    && schemaBody.ValueKind == JsonValueKind.Object)
                {
                    schema = schemaBody;
                }

                return null;
            }
        }

        return new RequestTranslationError(
            "'response_format.type' must be 'text', 'json_object' or 'json_schema' for Anthropic models.", "response_format.type");
    }

    private static RequestTranslationError? WriteSystem(JsonElement messages, bool jsonMode, JsonElement jsonSchema, Utf8JsonWriter writer)
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

    private static void OpenSystem(ref bool open, Utf8JsonWriter writer)
    {
        if (!open)
        {
            writer.WriteStartArray("system"u8);
            open = true;
        }
    }

    private static void WriteJsonInstruction(JsonElement schema, Utf8JsonWriter writer)
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

    private static RequestTranslationError? WriteMessages(JsonElement messages, Utf8JsonWriter writer)
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

    private static void StartTurn(ChatRole turnRole, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, turnRole == ChatRole.Assistant ? "assistant"u8 : "user"u8);
        writer.WriteStartArray("content"u8);
    }

    /// <summary>Closes the open turn: a merged one is finished, a held lone message is written whole.</summary>
    private static RequestTranslationError? EndTurn(JsonElement held, int heldIndex, bool merging, Utf8JsonWriter writer)
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
    private static RequestTranslationError? WriteBlocks(JsonElement message, int index, Utf8JsonWriter writer)
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
    private static RequestTranslationError? WriteContent(JsonElement content, int index, bool allowImages, Utf8JsonWriter writer)
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

    private static RequestTranslationError UnsupportedPart(JsonElement part, string param)
    {
        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String)
        {
            return new RequestTranslationError($"Content part type '{type.GetString()}' is not supported for Anthropic models.", param + ".type");
        }

        return new RequestTranslationError("Each content part must be an object with a 'type'.", param);
    }

    private static RequestTranslationError? WriteImage(JsonElement part, int index, int partIndex, Utf8JsonWriter writer)
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
    private static void WriteBase64(ReadOnlySpan<byte> name, ReadOnlySpan<byte> base64, Utf8JsonWriter writer)
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

    private static RequestTranslationError? WriteToolUses(JsonElement message, int index, Utf8JsonWriter writer)
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

    private static RequestTranslationError? WriteToolResult(JsonElement message, JsonElement content, int index, Utf8JsonWriter writer)
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

    private static RequestTranslationError? WriteStopSequences(JsonElement stop, Utf8JsonWriter writer)
    {
        if (stop.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartArray("stop_sequences"u8);
            stop.WriteTo(writer);
            writer.WriteEndArray();
            return null;
        }

        if (stop.ValueKind != JsonValueKind.Array)
        {
            return IsSet(stop) ? new RequestTranslationError("'stop' must be a string or an array of strings.", "stop") : null;
        }

        if (stop.GetArrayLength() == 0)
        {
            return null;
        }

        writer.WriteStartArray("stop_sequences"u8);
        foreach (var sequence in stop.EnumerateArray())
        {
            if (sequence.ValueKind != JsonValueKind.String)
            {
                return new RequestTranslationError("'stop' must be a string or an array of strings.", "stop");
            }

            sequence.WriteTo(writer);
        }

        writer.WriteEndArray();
        return null;
    }

    private static RequestTranslationError? WriteTools(JsonElement tools, Utf8JsonWriter writer)
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

    private static RequestTranslationError? WriteToolChoice(JsonElement toolChoice, JsonElement parallelToolCalls, Utf8JsonWriter writer)
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

    private static ChatRole ReadRole(JsonElement message)
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

    private static bool TryGetTextPart(JsonElement part, out JsonElement text, out JsonElement cacheControl)
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

    private static void WriteTextBlock(JsonElement text, JsonElement cacheControl, Utf8JsonWriter writer)
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

    private static void CopyNumber(ReadOnlySpan<byte> name, JsonElement value, Utf8JsonWriter writer)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }

    private static bool IsSet(JsonElement value) => value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    private static bool IsEmptyString(JsonElement value) => value.ValueEquals(ReadOnlySpan<byte>.Empty);

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix) =>
        value.Length >= prefix.Length && Ascii.EqualsIgnoreCase(value[..prefix.Length], prefix);
}
