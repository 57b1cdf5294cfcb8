namespace Tollgate.Api.Anthropic;

/// <summary>Maps OpenAI's <c>finish_reason</c> to Anthropic's <c>stop_reason</c>: the inverse of <c>AnthropicFinishReason</c>.</summary>
internal static class AnthropicStopReason
{
    public const string EndTurn = "end_turn";
    public const string MaxTokens = "max_tokens";
    public const string ToolUse = "tool_use";
    public const string Refusal = "refusal";

    /// <param name="finishReason">The unescaped finish reason; empty when the upstream sent none.</param>
    /// <param name="calledTools">Whether the answer holds tool calls.</param>
    public static string FromFinishReason(ReadOnlySpan<byte> finishReason, bool calledTools)
    {
        if (finishReason.SequenceEqual("length"u8))
        {
            return MaxTokens;
        }

        if (finishReason.SequenceEqual("tool_calls"u8) || finishReason.SequenceEqual("function_call"u8))
        {
            return ToolUse;
        }

        if (finishReason.SequenceEqual("content_filter"u8))
        {
            return Refusal;
        }

        // vLLM, Gemini's OpenAI endpoint and some Databricks models answer "stop" next to tool calls. Anthropic
        // clients run their tool loop only on stop_reason "tool_use", so the calls decide. OpenAI does not say which
        // stop sequence matched, so "stop_sequence" can never be reported; end_turn is the honest fallback.
        return calledTools ? ToolUse : EndTurn;
    }
}
