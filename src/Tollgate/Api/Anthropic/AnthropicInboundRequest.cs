using System.Text.Json;
using static Tollgate.Api.Anthropic.InboundJson;

namespace Tollgate.Api.Anthropic;

/// <summary>
/// Rewrites an Anthropic Messages request as an OpenAI Chat Completions request, straight into a writer, so that a
/// client using the Anthropic SDK can be served by any OpenAI-dialect upstream.
/// </summary>
/// <remarks>
/// <code>
///   Anthropic request                          OpenAI request
///   ─────────────────                          ──────────────
///   system (string or text blocks) ──────────► leading system message
///   user text / image / document blocks ─────► user message: a string, or parts when there is media
///   user tool_result blocks ─────────────────► role "tool" messages, before the rest of the user turn
///   assistant text + tool_use blocks ────────► assistant message with content and tool_calls
///   assistant thinking / redacted_thinking ──► dropped: no chat upstream can verify their signatures
///   max_tokens, stop_sequences, metadata ────► max_tokens, stop, user
///   tools, tool_choice ──────────────────────► function tools, tool_choice, parallel_tool_calls
///   thinking.budget_tokens ──────────────────► reasoning_effort
///   top_k, service_tier, unknown fields ─────► dropped
/// </code>
/// When <see cref="WriteChatRequest"/> returns an error the writer holds a partial document, which the caller discards.
/// </remarks>
internal static class AnthropicInboundRequest
{
    // Budgets at or above these thresholds ask for more effort. They sit on the budgets AnthropicRequestWriter sends
    // for low/medium/high (1024, 4096, 16384), so an effort survives a round trip through both translations.
    private const int MediumEffortBudget = 4096;
    private const int HighEffortBudget = 16384;

    public static InboundError? WriteChatRequest(JsonElement messagesRequest, Utf8JsonWriter writer, out InboundRequestInfo info)
    {
        info = default;
        if (messagesRequest.ValueKind != JsonValueKind.Object)
        {
            return new InboundError(InvalidRequest, "The request body must be a JSON object.", null);
        }

        // One pass over the top level picks out what has an OpenAI counterpart; everything else is dropped by omission.
        JsonElement model = default, messages = default, system = default, maxTokens = default, temperature = default, topP = default;
        JsonElement stopSequences = default, stream = default, metadata = default, tools = default, toolChoice = default, thinking = default;
        foreach (var property in messagesRequest.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("model"u8))
            {
                model = value;
            }
            else if (property.NameEquals("messages"u8))
            {
                messages = value;
            }
            else if (property.NameEquals("system"u8))
            {
                system = value;
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
            else if (property.NameEquals("stop_sequences"u8))
            {
                stopSequences = value;
            }
            else if (property.NameEquals("stream"u8))
            {
                stream = value;
            }
            else if (property.NameEquals("metadata"u8))
            {
                metadata = value;
            }
            else if (property.NameEquals("tools"u8))
            {
                tools = value;
            }
            else if (property.NameEquals("tool_choice"u8))
            {
                toolChoice = value;
            }
            else if (property.NameEquals("thinking"u8))
            {
                thinking = value;
            }
        }

        // Everything that can be rejected without looking into messages is checked before the first byte is written.
        if (!IsNonEmptyString(model))
        {
            return IsSet(model) ? Invalid("model", "Input should be a non-empty string") : Invalid("model", "Field required");
        }

        if (!IsSet(maxTokens))
        {
            return Invalid("max_tokens", "Field required");
        }

        if (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt32(out var maxTokenCount))
        {
            return Invalid("max_tokens", "Input should be a valid integer");
        }

        if (maxTokenCount < 1)
        {
            return Invalid("max_tokens", "Input should be greater than or equal to 1");
        }

        var streaming = false;
        if (stream.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            streaming = stream.GetBoolean();
        }
        else if (IsSet(stream))
        {
            return Invalid("stream", "Input should be a valid boolean");
        }

        info = new InboundRequestInfo(model.GetString()!, streaming, maxTokenCount);

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return IsSet(messages) ? Invalid("messages", "Input should be a valid list") : Invalid("messages", "Field required");
        }

        if (messages.GetArrayLength() == 0)
        {
            return Invalid("messages", "At least one message is required");
        }

        if (IsSet(tools) && tools.ValueKind != JsonValueKind.Array)
        {
            return Invalid("tools", "Input should be a valid list");
        }

        var error = ReadReasoningEffort(thinking, out var reasoningEffort);
        error ??= CheckNumber(temperature, "temperature");
        error ??= CheckNumber(topP, "top_p");
        if (error is not null)
        {
            return error;
        }

        writer.WriteStartObject();
        writer.WritePropertyName("model"u8);
        model.WriteTo(writer);

        writer.WriteStartArray("messages"u8);
        var texts = new List<JsonElement>();
        error = InboundMessageWriter.WriteSystem(system, texts, writer);
        error ??= InboundMessageWriter.WriteMessages(messages, texts, writer);
        if (error is not null)
        {
            return error;
        }

        writer.WriteEndArray();

        writer.WriteNumber("max_tokens"u8, maxTokenCount);
        CopyNumber("temperature"u8, temperature, writer);
        CopyNumber("top_p"u8, topP, writer);

        error = WriteStop(stopSequences, writer);
        if (error is not null)
        {
            return error;
        }

        if (IsSet(stream))
        {
            writer.WriteBoolean("stream"u8, streaming);
        }

        // The pipeline bills streamed calls by the upstream's usage, and message_delta must carry cumulative usage.
        if (streaming)
        {
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        if (metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("user_id"u8, out var userId)
            && userId.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("user"u8);
            userId.WriteTo(writer);
        }

        // OpenAI rejects tool_choice and parallel_tool_calls without tools; with no tools, none is called anyway.
        if (tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
        {
            error = InboundToolWriter.WriteTools(tools, writer);
            error ??= InboundToolWriter.WriteToolChoice(toolChoice, writer);
            if (error is not null)
            {
                return error;
            }
        }

        if (reasoningEffort is not null)
        {
            writer.WriteString("reasoning_effort"u8, reasoningEffort);
        }

        writer.WriteEndObject();
        return null;
    }

    private static InboundError? ReadReasoningEffort(JsonElement thinking, out string? effort)
    {
        effort = null;
        if (!IsSet(thinking))
        {
            return null;
        }

        if (thinking.ValueKind != JsonValueKind.Object || !thinking.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
        {
            return Invalid("thinking.type", "Field required");
        }

        // "disabled" asks for nothing; "adaptive" leaves the effort to the model, which is what omitting it does.
        if (!IsString(type, "enabled"u8))
        {
            return null;
        }

        if (!thinking.TryGetProperty("budget_tokens"u8, out var budget) || budget.ValueKind != JsonValueKind.Number
            || !budget.TryGetInt32(out var budgetTokens))
        {
            return Invalid("thinking.budget_tokens", "Field required");
        }

        effort = budgetTokens < MediumEffortBudget ? "low" : budgetTokens < HighEffortBudget ? "medium" : "high";
        return null;
    }

    private static InboundError? WriteStop(JsonElement stopSequences, Utf8JsonWriter writer)
    {
        if (stopSequences.ValueKind != JsonValueKind.Array)
        {
            return IsSet(stopSequences) ? Invalid("stop_sequences", "Input should be a valid list") : null;
        }

        if (stopSequences.GetArrayLength() == 0)
        {
            return null;
        }

        writer.WriteStartArray("stop"u8);
        var index = -1;
        foreach (var sequence in stopSequences.EnumerateArray())
        {
            index++;
            if (sequence.ValueKind != JsonValueKind.String)
            {
                return Invalid($"stop_sequences.{index}", "Input should be a valid string");
            }

            sequence.WriteTo(writer);
        }

        writer.WriteEndArray();
        return null;
    }

    private static InboundError? CheckNumber(JsonElement value, string param) =>
        IsSet(value) && value.ValueKind != JsonValueKind.Number ? Invalid(param, "Input should be a valid number") : null;

    private static void CopyNumber(ReadOnlySpan<byte> name, JsonElement value, Utf8JsonWriter writer)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }
}
