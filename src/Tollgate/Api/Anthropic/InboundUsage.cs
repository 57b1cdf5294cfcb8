using System.Text.Json;

namespace Tollgate.Api.Anthropic;

/// <summary>Writes OpenAI token counts as Anthropic's <c>usage</c> object.</summary>
internal static class InboundUsage
{
    /// <summary>
    /// OpenAI's prompt_tokens includes cached tokens; Anthropic's input_tokens does not, and reports the cached ones as
    /// cache_read_input_tokens. OpenAI-dialect upstreams cache implicitly and never report cache writes, hence the 0.
    /// </summary>
    public static void Write(int promptTokens, int completionTokens, int cachedTokens, Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, Math.Max(promptTokens - cachedTokens, 0));
        writer.WriteNumber("cache_creation_input_tokens"u8, 0);
        writer.WriteNumber("cache_read_input_tokens"u8, cachedTokens);
        writer.WriteNumber("output_tokens"u8, completionTokens);
        writer.WriteEndObject();
    }
}
