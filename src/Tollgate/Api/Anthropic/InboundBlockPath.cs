namespace Tollgate.Api.Anthropic;

/// <summary>
/// Where a content block sits in the request, turned into Anthropic's dotted path (<c>messages.3.content.1</c>) only
/// when an error needs it: a long conversation has thousands of blocks and almost never an error.
/// </summary>
/// <param name="Message">Index in <c>messages</c>.</param>
/// <param name="Block">Index in that message's <c>content</c>; -1 for the message itself.</param>
/// <param name="Inner">Index in a tool_result's <c>content</c>; -1 when not inside one.</param>
internal readonly record struct InboundBlockPath(int Message, int Block = -1, int Inner = -1)
{
    public InboundBlockPath WithBlock(int block) => this with { Block = block };

    public InboundBlockPath WithInner(int inner) => this with { Inner = inner };

    public override string ToString() =>
        Block < 0 ? $"messages.{Message}"
        : Inner < 0 ? $"messages.{Message}.content.{Block}"
        : $"messages.{Message}.content.{Block}.content.{Inner}";
}
