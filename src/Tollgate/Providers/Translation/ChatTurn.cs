namespace Tollgate.Providers.Translation;

/// <summary>One non-system message of a <see cref="ChatRequest"/>.</summary>
internal sealed class ChatTurn(ChatTurnRole role)
{
    public ChatTurnRole Role { get; } = role;

    public List<ContentPart> Parts { get; } = [];

    /// <summary>The assistant's tool calls.</summary>
    public List<ToolCall> ToolCalls { get; } = [];

    /// <summary>For a tool result: the call it answers, and that call's function name.</summary>
    public string? ToolCallId { get; init; }

    public string? ToolName { get; init; }

    public string Text => string.Concat(Parts.Where(p => p.Text is not null).Select(p => p.Text));
}
