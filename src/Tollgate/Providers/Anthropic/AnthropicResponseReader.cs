using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Anthropic;

/// <summary>Rewrites a non-streamed Anthropic message as an OpenAI <c>chat.completion</c> object.</summary>
internal static class AnthropicResponseReader
{
    /// <summary>
    /// Writes the completion and returns the usage. Throws <see cref="JsonException"/> when the body is not a JSON
    /// object, which only a broken upstream sends.
    /// </summary>
    public static TokenUsage WriteChatCompletion(ReadOnlySpan<byte> anthropicMessage, string responseModel, long created, Utf8JsonWriter writer)
    {
        using var message = PooledJsonObject.Parse(anthropicMessage, "The Anthropic response is not a JSON object.");
        return Write(message.Root, responseModel, created, writer);
    }

    private static TokenUsage Write(JsonElement message, string responseModel, long created, Utf8JsonWriter writer)
    {
        message.TryGetProperty("content"u8, out var content);
        if (content.ValueKind != JsonValueKind.Array)
        {
            content = default;
        }

        writer.WriteStartObject();
        if (message.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("id"u8);
            id.WriteTo(writer);
        }
        else
        {
            writer.WriteString("id"u8, ""u8);
        }

        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, responseModel);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);

        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WritePropertyName("content"u8);
        if (!WriteConcatenated(content, "text"u8, "text"u8, writer))
        {
            writer.WriteNullValue();
        }

        AnthropicToolUse.WriteToolCalls(content, writer);

        // Anthropic's thinking has no OpenAI field; reasoning_content is what DeepSeek, vLLM and LiteLLM use for it.
        if (HasBlock(content, "thinking"u8))
        {
            writer.WritePropertyName("reasoning_content"u8);
            if (!WriteConcatenated(content, "thinking"u8, "thinking"u8, writer))
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndObject();

        if (message.TryGetProperty("stop_reason"u8, out var stopReason) && stopReason.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("finish_reason"u8, AnthropicFinishReason.FromStopReason(JsonMarshal.GetRawUtf8Value(stopReason)[1..^1]));
        }
        else
        {
            writer.WriteNull("finish_reason"u8);
        }

        writer.WriteNull("logprobs"u8);
        writer.WriteEndObject();
        writer.WriteEndArray();

        var usage = ReadUsage(message);
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, usage.PromptTokens);
        writer.WriteNumber("completion_tokens"u8, usage.CompletionTokens);
        writer.WriteNumber("total_tokens"u8, usage.TotalTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CachedTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteEndObject();
        return usage;
    }

    /// <summary>
    /// Writes the string fields <paramref name="field"/> of all blocks of <paramref name="blockType"/> as one JSON
    /// string, or nothing (returning false) when there are none. Claude splits text into several blocks around tool
    /// calls and citations; OpenAI has one content string.
    /// </summary>
    private static bool WriteConcatenated(JsonElement content, ReadOnlySpan<byte> blockType, ReadOnlySpan<byte> field, Utf8JsonWriter writer)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var count = 0;
        var length = 0;
        JsonElement single = default;
        foreach (var block in content.EnumerateArray())
        {
            if (TryGetBlockString(block, blockType, field, out var value))
            {
                count++;
                length += JsonMarshal.GetRawUtf8Value(value).Length - 2;
                single = value;
            }
        }

        if (count == 0)
        {
            return false;
        }

        // The document validated these strings, so their escaped bytes are copied as they are: no unescaping, no
        // re-escaping, and escape sequences never straddle the joins.
        if (count == 1)
        {
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(single), skipInputValidation: true);
            return true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length + 2);
        try
        {
            var written = 0;
            buffer[written++] = (byte)'"';
            foreach (var block in content.EnumerateArray())
            {
                if (TryGetBlockString(block, blockType, field, out var value))
                {
                    var inner = JsonMarshal.GetRawUtf8Value(value)[1..^1];
                    inner.CopyTo(buffer.AsSpan(written));
                    written += inner.Length;
                }
            }

            buffer[written++] = (byte)'"';
            writer.WriteRawValue(buffer.AsSpan(0, written), skipInputValidation: true);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TokenUsage ReadUsage(JsonElement message)
    {
        if (!message.TryGetProperty("usage"u8, out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        var input = ReadInt(usage, "input_tokens"u8);
        var cacheRead = ReadInt(usage, "cache_read_input_tokens"u8);
        var cacheWrite = ReadInt(usage, "cache_creation_input_tokens"u8);

        // Anthropic's input_tokens excludes cached and cache-write tokens; OpenAI's prompt_tokens includes them.
        return new TokenUsage(input + cacheRead + cacheWrite, ReadInt(usage, "output_tokens"u8), cacheRead, cacheWrite);
    }

    private static int ReadInt(JsonElement parent, ReadOnlySpan<byte> name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : 0;

    private static bool HasBlock(JsonElement content, ReadOnlySpan<byte> blockType)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var block in content.EnumerateArray())
        {
            if (IsBlock(block, blockType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBlock(JsonElement block, ReadOnlySpan<byte> blockType) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var type) && type.ValueEquals(blockType);

    private static bool TryGetBlockString(JsonElement block, ReadOnlySpan<byte> blockType, ReadOnlySpan<byte> field, out JsonElement value)
    {
        value = default;
        return IsBlock(block, blockType) && block.TryGetProperty(field, out value) && value.ValueKind == JsonValueKind.String;
    }
}
