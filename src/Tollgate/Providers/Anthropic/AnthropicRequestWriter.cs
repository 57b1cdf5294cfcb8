using System.Text.Json;

using static Tollgate.Providers.Anthropic.AnthropicMessagesWriter;
using static Tollgate.Providers.Anthropic.AnthropicRequestJson;
using static Tollgate.Providers.Anthropic.AnthropicSystemWriter;
using static Tollgate.Providers.Anthropic.AnthropicToolsWriter;

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

    internal static RequestTranslationError? ReadThinkingBudget(JsonElement reasoningEffort, out int budget)
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
    internal static RequestTranslationError? ReadJsonMode(JsonElement responseFormat, out bool jsonMode, out JsonElement schema)
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

    internal static RequestTranslationError? WriteStopSequences(JsonElement stop, Utf8JsonWriter writer)
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
}
