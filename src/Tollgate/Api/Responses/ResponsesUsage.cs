using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Api.Responses;

/// <summary>Writes OpenAI token counts as the Responses <c>usage</c> object.</summary>
internal static class ResponsesUsage
{
    /// <summary>
    /// Unlike Anthropic's, the Responses input_tokens includes cached tokens, exactly as chat's prompt_tokens does, so
    /// the counts carry over unchanged.
    /// </summary>
    public static void Write(TokenUsage usage, int reasoningTokens, Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, usage.PromptTokens);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CachedTokens);
        writer.WriteNumber("cache_write_tokens"u8, usage.CacheWriteTokens);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, usage.CompletionTokens);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, reasoningTokens);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, usage.TotalTokens);
        writer.WriteEndObject();
    }
}
