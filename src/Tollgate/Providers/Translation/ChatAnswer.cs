using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Translation;

/// <summary>A provider's non-streamed answer reduced to what an OpenAI <c>chat.completion</c> carries, and its writer.</summary>
internal sealed class ChatAnswer
{
    public string Id { get; set; } = string.Empty;

    public string? Text { get; set; }

    public string? Reasoning { get; set; }

    public List<ToolCall> ToolCalls { get; } = [];

    /// <summary>OpenAI's finish_reason (stop, length, tool_calls, content_filter); null when the upstream gave none.</summary>
    public string? FinishReason { get; set; }

    public TokenUsage Usage { get; set; }

    public void Write(Utf8JsonWriter writer, string model, long created)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, Id);
        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, model);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        if (Text is null)
        {
            writer.WriteNull("content"u8);
        }
        else
        {
            writer.WriteString("content"u8, Text);
        }

        if (ToolCalls.Count > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var call in ToolCalls)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, call.Name);
                writer.WriteString("arguments"u8, call.Arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        // reasoning_content is what DeepSeek, vLLM and LiteLLM call it; OpenAI's chat API has no field for it.
        if (Reasoning is not null)
        {
            writer.WriteString("reasoning_content"u8, Reasoning);
        }

        writer.WriteEndObject();
        if (FinishReason is null)
        {
            writer.WriteNull("finish_reason"u8);
        }
        else
        {
            writer.WriteString("finish_reason"u8, FinishReason);
        }

        writer.WriteNull("logprobs"u8);
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteUsage(writer, Usage);
        writer.WriteEndObject();
    }

    public static void WriteUsage(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, usage.PromptTokens);
        writer.WriteNumber("completion_tokens"u8, usage.CompletionTokens);
        writer.WriteNumber("total_tokens"u8, usage.TotalTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CachedTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
