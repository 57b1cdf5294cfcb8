using System.Text.Json;
using static Tollgate.Api.Responses.ResponsesJson;

namespace Tollgate.Api.Responses;

/// <summary>
/// Rewrites an OpenAI Responses request as a Chat Completions request, straight into a writer, so that a client of
/// <c>POST /v1/responses</c> can be served by a chat-only upstream (Databricks, Anthropic, vLLM).
/// </summary>
/// <remarks>
/// <code>
///   Responses request                          chat request
///   ─────────────────                          ────────────
///   instructions ────────────────────────────► leading system message
///   previous_response_id ────────────────────► the stored conversation (caller's), before the new input
///   input (string or items) ─────────────────► messages (ResponsesInputWriter)
///   max_output_tokens, temperature, top_p ───► max_tokens, temperature, top_p
///   tools, tool_choice, parallel_tool_calls ─► function tools nested under "function", tool_choice, parallel_tool_calls
///   text.format json_schema / json_object ───► response_format
///   reasoning.effort ────────────────────────► reasoning_effort
///   stream ──────────────────────────────────► stream, stream_options.include_usage
///   user ────────────────────────────────────► user
///   store, previous_response_id ─────────────► ResponsesRequestInfo, for the caller
///   metadata, truncation, include, service_tier, prompt_cache_key, safety_identifier, text.verbosity ─► dropped
///   hosted tools, conversation, prompt, background ─► 400: nothing behind a chat upstream can honour them
/// </code>
/// When <see cref="WriteChatRequest"/> returns an error the writer holds a partial document, which the caller discards.
/// </remarks>
internal static class ResponsesInboundRequest
{
    /// <summary>
    /// The request's <c>previous_response_id</c>, which the caller needs before <see cref="WriteChatRequest"/> to look
    /// up the stored conversation; null when absent or not a string (WriteChatRequest reports the latter).
    /// </summary>
    public static string? ReadPreviousResponseId(JsonElement request) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty("previous_response_id"u8, out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    /// <param name="previousMessagesJson">
    /// The conversation stored for <c>previous_response_id</c> (what <see cref="ResponsesInboundResponse.ConversationAfter"/>
    /// returned for that response), or null when there is none.
    /// </param>
    public static ResponsesError? WriteChatRequest(JsonElement request, string? previousMessagesJson, Utf8JsonWriter writer, out ResponsesRequestInfo info)
    {
        info = default;
        if (request.ValueKind != JsonValueKind.Object)
        {
            return new ResponsesError("The request body must be a JSON object.", null);
        }

        // One pass over the top level picks out what has a chat counterpart; everything else is dropped by omission.
        JsonElement model = default, input = default, instructions = default, maxOutputTokens = default, temperature = default, topP = default;
        JsonElement tools = default, toolChoice = default, parallelToolCalls = default, text = default, reasoning = default, stream = default;
        JsonElement store = default, previousResponseId = default, user = default, background = default, conversation = default, prompt = default;
        foreach (var property in request.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("model"u8))
            {
                model = value;
            }
            else if (property.NameEquals("input"u8))
            {
                input = value;
            }
            else if (property.NameEquals("instructions"u8))
            {
                instructions = value;
            }
            else if (property.NameEquals("max_output_tokens"u8))
            {
                maxOutputTokens = value;
            }
            else if (property.NameEquals("temperature"u8))
            {
                temperature = value;
            }
            else if (property.NameEquals("top_p"u8))
            {
                topP = value;
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
            else if (property.NameEquals("text"u8))
            {
                text = value;
            }
            else if (property.NameEquals("reasoning"u8))
            {
                reasoning = value;
            }
            else if (property.NameEquals("stream"u8))
            {
                stream = value;
            }
            else if (property.NameEquals("store"u8))
            {
                store = value;
            }
            else if (property.NameEquals("previous_response_id"u8))
            {
                previousResponseId = value;
            }
            else if (property.NameEquals("user"u8))
            {
                user = value;
            }
            else if (property.NameEquals("background"u8))
            {
                background = value;
            }
            else if (property.NameEquals("conversation"u8))
            {
                conversation = value;
            }
            else if (property.NameEquals("prompt"u8))
            {
                prompt = value;
            }
        }

        // Everything that can be rejected without looking into the input is checked before the first byte is written.
        if (!IsNonEmptyString(model))
        {
            return IsSet(model) && model.ValueKind != JsonValueKind.String ? InvalidType("model", "a string", model) : Missing("model");
        }

        // Each check runs, so that every out value is assigned; the first error wins.
        var streamError = ReadBoolean(stream, "stream", false, out var streaming);
        var storeError = ReadBoolean(store, "store", true, out var storing);
        var error = streamError ?? storeError ?? CheckOptional(previousResponseId, JsonValueKind.String, "previous_response_id", "a string");
        if (error is not null)
        {
            return error;
        }

        var previousId = previousResponseId.ValueKind == JsonValueKind.String ? previousResponseId.GetString() : null;
        info = new ResponsesRequestInfo(model.GetString()!, streaming, storing, previousId);

        var reasoningError = ReadReasoningEffort(reasoning, out var reasoningEffort);
        var toolsError = ResponsesToolWriter.CheckTools(tools, out var toolCount);
        var formatError = ResponsesToolWriter.CheckTextFormat(text, out var format);
        error = CheckUnsupported(background, conversation, prompt)
            ?? CheckOptional(instructions, JsonValueKind.String, "instructions", "a string")
            ?? CheckOptional(temperature, JsonValueKind.Number, "temperature", "a decimal")
            ?? CheckOptional(topP, JsonValueKind.Number, "top_p", "a decimal")
            ?? CheckOptional(user, JsonValueKind.String, "user", "a string")
            ?? CheckParallelToolCalls(parallelToolCalls)
            ?? CheckMaxOutputTokens(maxOutputTokens)
            ?? reasoningError
            ?? toolsError
            ?? ResponsesToolWriter.CheckToolChoice(toolChoice)
            ?? formatError;
        if (error is not null)
        {
            return error;
        }

        // The caller answers this one when it cannot find the id; a null here means it did not look.
        if (previousId is not null && previousMessagesJson is null)
        {
            return new ResponsesError($"Previous response with id '{previousId}' not found.", "previous_response_id");
        }

        if (!IsSet(input) && previousMessagesJson is null)
        {
            return Missing("input");
        }

        writer.WriteStartObject();
        writer.WritePropertyName("model"u8);
        model.WriteTo(writer);

        writer.WriteStartArray("messages"u8);
        var hasInstructions = IsNonEmptyString(instructions);
        if (hasInstructions)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WritePropertyName("content"u8);
            instructions.WriteTo(writer);
            writer.WriteEndObject();
        }

        if (previousMessagesJson is not null)
        {
            WritePreviousMessages(previousMessagesJson, hasInstructions, writer);
        }

        if (IsSet(input))
        {
            error = ResponsesInputWriter.Write(input, writer);
            if (error is not null)
            {
                return error;
            }
        }

        writer.WriteEndArray();

        if (maxOutputTokens.ValueKind == JsonValueKind.Number)
        {
            writer.WriteNumber("max_tokens"u8, maxOutputTokens.GetInt32());
        }

        CopyIfKind("temperature"u8, temperature, JsonValueKind.Number, writer);
        CopyIfKind("top_p"u8, topP, JsonValueKind.Number, writer);

        if (IsSet(stream))
        {
            writer.WriteBoolean("stream"u8, streaming);
        }

        // The pipeline bills streamed calls by the upstream's usage, and response.completed must carry it.
        if (streaming)
        {
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        CopyIfKind("user"u8, user, JsonValueKind.String, writer);

        // OpenAI rejects tool_choice and parallel_tool_calls without tools; with no tools, none is called anyway.
        if (toolCount > 0)
        {
            ResponsesToolWriter.WriteTools(tools, writer);
            ResponsesToolWriter.WriteToolChoice(toolChoice, writer);
            if (parallelToolCalls.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                writer.WriteBoolean("parallel_tool_calls"u8, parallelToolCalls.GetBoolean());
            }
        }

        if (format.ValueKind == JsonValueKind.Object)
        {
            ResponsesToolWriter.WriteResponseFormat(format, writer);
        }

        if (reasoningEffort.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("reasoning_effort"u8);
            reasoningEffort.WriteTo(writer);
        }

        writer.WriteEndObject();
        return null;
    }

    /// <summary>
    /// Copies the stored conversation. It starts with the system message of the instructions it was written with, if
    /// any; OpenAI does not carry instructions over to the next response, so when this request brings its own, the
    /// stored one gives way rather than both reaching the model (clients such as the Agents SDK resend instructions on
    /// every turn, and would otherwise pile up one system message per turn).
    /// </summary>
    private static void WritePreviousMessages(string previousMessagesJson, bool hasInstructions, Utf8JsonWriter writer)
    {
        // The gateway wrote this document itself; a broken one is a bug, which JsonException reports.
        using var document = JsonDocument.Parse(previousMessagesJson);
        var first = true;
        foreach (var message in document.RootElement.EnumerateArray())
        {
            if (first && hasInstructions && message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role"u8, out var role)
                && IsString(role, "system"u8))
            {
                first = false;
                continue;
            }

            first = false;
            message.WriteTo(writer);
        }
    }

    private static ResponsesError? CheckUnsupported(JsonElement background, JsonElement conversation, JsonElement prompt)
    {
        if (background.ValueKind == JsonValueKind.True)
        {
            return Unsupported("background", "Background responses are not supported by this gateway; send the request without background, streaming if it is long.");
        }

        if (IsSet(conversation))
        {
            return Unsupported("conversation", "Conversations are not supported by this gateway; use previous_response_id, or send the history in input.");
        }

        return IsSet(prompt)
            ? Unsupported("prompt", "Prompt templates are stored at OpenAI and cannot be used by this gateway; send the prompt in instructions and input.")
            : null;
    }

    private static ResponsesError? ReadBoolean(JsonElement value, string param, bool fallback, out bool result)
    {
        result = fallback;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            result = value.GetBoolean();
            return null;
        }

        return IsSet(value) ? InvalidType(param, "a boolean", value) : null;
    }

    private static ResponsesError? CheckOptional(JsonElement value, JsonValueKind kind, string param, string expected) =>
        IsSet(value) && value.ValueKind != kind ? InvalidType(param, expected, value) : null;

    private static ResponsesError? CheckParallelToolCalls(JsonElement value) =>
        IsSet(value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) ? InvalidType("parallel_tool_calls", "a boolean", value) : null;

    private static ResponsesError? CheckMaxOutputTokens(JsonElement value)
    {
        if (!IsSet(value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count))
        {
            return InvalidType("max_output_tokens", "an integer", value);
        }

        // OpenAI's own minimum is 16, a limit of its models; chat upstreams take any positive count.
        return count < 1
            ? new ResponsesError($"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 1, but got {count} instead.", "max_output_tokens")
            : null;
    }

    private static ResponsesError? ReadReasoningEffort(JsonElement reasoning, out JsonElement effort)
    {
        effort = default;
        if (!IsSet(reasoning))
        {
            return null;
        }

        if (reasoning.ValueKind != JsonValueKind.Object)
        {
            return InvalidType("reasoning", "an object", reasoning);
        }

        // summary and generate_summary ask for OpenAI's reasoning summaries, which chat upstreams do not write.
        if (reasoning.TryGetProperty("effort"u8, out effort) && IsSet(effort) && effort.ValueKind != JsonValueKind.String)
        {
            return InvalidType("reasoning.effort", "a string", effort);
        }

        return null;
    }

    private static void CopyIfKind(ReadOnlySpan<byte> name, JsonElement value, JsonValueKind kind, Utf8JsonWriter writer)
    {
        if (value.ValueKind == kind)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }
}
