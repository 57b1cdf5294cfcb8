namespace Tollgate.Providers.Anthropic;

/// <summary>
/// The kinds of content block, and of block delta, that have an OpenAI counterpart. A delta shares its block's
/// kind: <c>text_delta</c> is <see cref="Text"/>, <c>input_json_delta</c> is <see cref="ToolUse"/>,
/// <c>thinking_delta</c> is <see cref="Thinking"/>.
/// </summary>
internal enum AnthropicContentKind
{
    /// <summary>No OpenAI counterpart: signatures, redacted thinking, server tools, citations.</summary>
    Other,
    Text,
    ToolUse,
    Thinking,
}
