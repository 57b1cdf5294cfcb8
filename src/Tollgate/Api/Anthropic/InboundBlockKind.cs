namespace Tollgate.Api.Anthropic;

/// <summary>The kind of the content block the Anthropic stream has open.</summary>
internal enum InboundBlockKind
{
    None,
    Text,
    Thinking,
    ToolUse,
}
