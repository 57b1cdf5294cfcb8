using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Api.Anthropic;

/// <summary>
/// Rewrites an OpenAI <c>chat.completion</c> as an Anthropic <c>message</c>, and gateway errors in Anthropic's error shape.
/// </summary>
/// <remarks>
/// <code>
///   OpenAI chat.completion                     Anthropic message
///   ──────────────────────                     ─────────────────
///   message.reasoning_content / reasoning ───► thinking block (signature "")
///   message.content (string or parts) ───────► text blocks; Databricks reasoning parts → thinking blocks
///   message.refusal ─────────────────────────► text block, when there is no content
///   message.tool_calls ──────────────────────► tool_use blocks, arguments parsed into input
///   finish_reason ───────────────────────────► stop_reason (AnthropicStopReason)
///   usage.prompt_tokens − cached_tokens ─────► usage.input_tokens, cached_tokens → cache_read_input_tokens
/// </code>
/// </remarks>
internal static class AnthropicInboundResponse
{
    /// <summary>
    /// Writes the message. Throws <see cref="JsonException"/> when the body is not a JSON object, which only a broken
    /// upstream sends.
    /// </summary>
    /// <param name="model">The model name the client asked for, which is what Anthropic echoes.</param>
    public static void WriteMessage(ReadOnlySpan<byte> chatCompletion, string model, Utf8JsonWriter writer)
    {
        using var completion = PooledJsonObject.Parse(chatCompletion, "The chat completion is not a JSON object.");
        Write(completion.Root, model, writer);
    }

    /// <summary>Writes <c>{"type":"error","error":{"type","message"}}</c> with the type Anthropic uses for the status.</summary>
    public static void WriteError(int status, string message, Utf8JsonWriter writer) =>
        WriteErrorObject(ErrorTypeForStatus(status), message, writer);

    /// <summary>Anthropic's <c>error.type</c> for an HTTP status, as its API documents them.</summary>
    public static string ErrorTypeForStatus(int status) => status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        >= 500 => "api_error",

        // Anthropic answers every other client error (400, 405, 409, 422) as a bad request.
        _ => "invalid_request_error",
    };

    /// <summary>The error object shared by error bodies and the stream's <c>error</c> event.</summary>
    internal static void WriteErrorObject(string type, string message, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteStartObject("error"u8);
        writer.WriteString("type"u8, type);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Write(JsonElement completion, string model, Utf8JsonWriter writer)
    {
        completion.TryGetProperty("id"u8, out var id);
        JsonElement message = default, finishReason = default;
        if (completion.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            if (choice.ValueKind == JsonValueKind.Object)
            {
                choice.TryGetProperty("message"u8, out message);
                choice.TryGetProperty("finish_reason"u8, out finishReason);
            }
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            message = default;
        }

        writer.WriteStartObject();
        writer.WriteString("id"u8, AnthropicMessageId.FromChatId(id.ValueKind == JsonValueKind.String ? id.GetString() : null));
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("model"u8, model);

        writer.WriteStartArray("content"u8);
        var calledTools = false;
        if (message.ValueKind == JsonValueKind.Object)
        {
            WriteContent(message, writer);
            calledTools = WriteToolUses(message, writer);
        }

        writer.WriteEndArray();

        byte[]? rented = null;
        try
        {
            var reason = finishReason.ValueKind == JsonValueKind.String ? JsonStringBytes.Get(finishReason, ref rented) : default;
            writer.WriteString("stop_reason"u8, AnthropicStopReason.FromFinishReason(reason, calledTools));
        }
        finally
        {
            JsonStringBytes.Return(rented);
        }

        writer.WriteNull("stop_sequence"u8);
        WriteUsage(completion, writer);
        writer.WriteEndObject();
    }

    private static void WriteContent(JsonElement message, Utf8JsonWriter writer)
    {
        // Thinking comes first in an Anthropic message. DeepSeek, vLLM and Tollgate's own Anthropic translation name it
        // reasoning_content; OpenRouter and newer vLLM name it reasoning.
        if (TryGetNonEmptyString(message, "reasoning_content"u8, out var reasoning) || TryGetNonEmptyString(message, "reasoning"u8, out reasoning))
        {
            WriteThinkingBlock(reasoning, default, writer);
        }

        message.TryGetProperty("content"u8, out var content);
        var wroteText = false;
        if (content.ValueKind == JsonValueKind.String)
        {
            if (!content.ValueEquals(""u8))
            {
                WriteTextBlock(content, writer);
                wroteText = true;
            }
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            wroteText = WriteContentParts(content, writer);
        }

        // A refusal is what the model said instead of an answer; Anthropic clients read it as text.
        if (!wroteText && TryGetNonEmptyString(message, "refusal"u8, out var refusal))
        {
            WriteTextBlock(refusal, writer);
        }
    }

    /// <summary>
    /// Content as parts: OpenAI text parts, and Databricks' reasoning parts
    /// (<c>{"type":"reasoning","summary":[{"type":"summary_text","text","signature"}]}</c>), which it returns for
    /// Claude and other reasoning models. Returns whether any text was written.
    /// </summary>
    private static bool WriteContentParts(JsonElement content, Utf8JsonWriter writer)
    {
        var wroteText = false;
        foreach (var part in content.EnumerateArray())
        {
            if (IsType(part, "text"u8) && TryGetNonEmptyString(part, "text"u8, out var text))
            {
                WriteTextBlock(text, writer);
                wroteText = true;
            }
            else if (IsType(part, "reasoning"u8) && part.TryGetProperty("summary"u8, out var summary) && summary.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in summary.EnumerateArray())
                {
                    if (IsType(item, "summary_text"u8) && TryGetNonEmptyString(item, "text"u8, out var thinking))
                    {
                        item.TryGetProperty("signature"u8, out var signature);
                        WriteThinkingBlock(thinking, signature, writer);
                    }
                }
            }
        }

        return wroteText;
    }

    private static void WriteTextBlock(JsonElement text, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WritePropertyName("text"u8);
        text.WriteTo(writer);
        writer.WriteEndObject();
    }

    private static void WriteThinkingBlock(JsonElement thinking, JsonElement signature, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "thinking"u8);
        writer.WritePropertyName("thinking"u8);
        thinking.WriteTo(writer);

        // Anthropic's SDKs type the signature as a required string; a chat upstream rarely has one to give.
        writer.WritePropertyName("signature"u8);
        if (signature.ValueKind == JsonValueKind.String)
        {
            signature.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue(""u8);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes the tool calls as tool_use blocks; returns whether there were any.</summary>
    private static bool WriteToolUses(JsonElement message, Utf8JsonWriter writer)
    {
        if (!message.TryGetProperty("tool_calls"u8, out var toolCalls) || toolCalls.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var any = false;
        foreach (var call in toolCalls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            call.TryGetProperty("function"u8, out var function);
            if (function.ValueKind != JsonValueKind.Object)
            {
                function = default;
            }

            any = true;
            writer.WriteStartObject();
            writer.WriteString("type"u8, "tool_use"u8);
            writer.WritePropertyName("id"u8);
            if (TryGetNonEmptyString(call, "id"u8, out var id))
            {
                id.WriteTo(writer);
            }
            else
            {
                // The client must echo an id back in its tool_result; an upstream that sent none still needs one.
                writer.WriteStringValue(AnthropicMessageId.NewToolUseId());
            }

            writer.WritePropertyName("name"u8);
            if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String)
            {
                name.WriteTo(writer);
            }
            else
            {
                writer.WriteStringValue(""u8);
            }

            writer.WritePropertyName("input"u8);
            var arguments = default(JsonElement);
            if (function.ValueKind == JsonValueKind.Object)
            {
                function.TryGetProperty("arguments"u8, out arguments);
            }

            ToolInputJson.Write(arguments, writer);
            writer.WriteEndObject();
        }

        return any;
    }

    private static void WriteUsage(JsonElement completion, Utf8JsonWriter writer)
    {
        int prompt = 0, completionTokens = 0, cached = 0;
        if (completion.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            prompt = ReadInt(usage, "prompt_tokens"u8);
            completionTokens = ReadInt(usage, "completion_tokens"u8);
            if (usage.TryGetProperty("prompt_tokens_details"u8, out var details) && details.ValueKind == JsonValueKind.Object)
            {
                cached = ReadInt(details, "cached_tokens"u8);
            }
        }

        InboundUsage.Write(prompt, completionTokens, cached, writer);
    }

    private static int ReadInt(JsonElement parent, ReadOnlySpan<byte> name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : 0;

    private static bool TryGetNonEmptyString(JsonElement parent, ReadOnlySpan<byte> name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.String && JsonMarshal.GetRawUtf8Value(value).Length > 2;

    private static bool IsType(JsonElement element, ReadOnlySpan<byte> type) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type"u8, out var value) && value.ValueKind == JsonValueKind.String
        && value.ValueEquals(type);
}
