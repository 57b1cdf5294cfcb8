namespace Tollgate.Providers.Anthropic;

/// <summary>Maps Anthropic's <c>stop_reason</c> to OpenAI's <c>finish_reason</c>.</summary>
internal static class AnthropicFinishReason
{
    public static string FromStopReason(ReadOnlySpan<byte> stopReason)
    {
        if (stopReason.SequenceEqual("max_tokens"u8) || stopReason.SequenceEqual("model_context_window_exceeded"u8))
        {
            return "length";
        }

        if (stopReason.SequenceEqual("tool_use"u8))
        {
            return "tool_calls";
        }

        if (stopReason.SequenceEqual("refusal"u8))
        {
            return "content_filter";
        }

        // end_turn, stop_sequence and pause_turn all end the turn normally from the client's point of view; an
        // unknown future reason is more likely a normal stop than an error, and OpenAI has no "other".
        return "stop";
    }
}
