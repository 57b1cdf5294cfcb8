namespace Tollgate.Emulator.Script;

/// <summary>The scripted answer to one request: text or one tool call, why it ended, and the token counts.</summary>
internal sealed record ReplyPlan(
    string Text,
    ToolCallPlan? ToolCall,
    FinishKind Finish,
    string? MatchedStopSequence,
    int PromptTokens,
    int CompletionTokens)
{
    /// <summary>The text as streamed: one delta per word.</summary>
    public List<string> Pieces() => Words.Pieces(Text);

    public string OpenAIFinishReason => Finish switch
    {
        FinishKind.Length => "length",
        FinishKind.ToolCall => "tool_calls",
        _ => "stop",
    };

    public string AnthropicStopReason => Finish switch
    {
        FinishKind.Length => "max_tokens",
        FinishKind.ToolCall => "tool_use",
        FinishKind.StopSequence => "stop_sequence",
        _ => "end_turn",
    };
}
