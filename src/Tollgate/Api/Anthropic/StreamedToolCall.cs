using System.Buffers;
using Tollgate.Providers.OpenAICompatible;

namespace Tollgate.Api.Anthropic;

/// <summary>
/// One OpenAI tool call of a stream on its way to becoming an Anthropic tool_use block. Id and name are kept as raw
/// JSON strings (quotes included) because they are only ever copied into the output.
/// </summary>
internal sealed class StreamedToolCall(int openAIIndex) : IStreamedToolCall
{
    /// <summary>The upstream's <c>tool_calls[].index</c>; -1 for an upstream that sends none.</summary>
    public int OpenAIIndex { get; } = openAIIndex;

    /// <summary>The call id as a JSON string, quotes included; it becomes the tool_use block's id.</summary>
    public byte[]? CallId { get; set; }

    public byte[]? Name { get; set; }

    /// <summary>The Anthropic content block index once content_block_start was written; -1 before.</summary>
    public int BlockIndex { get; set; } = -1;

    /// <summary>
    /// Argument fragments that arrived before the name (a block cannot start without one), as the escaped contents of
    /// one JSON string after an opening quote; null when there were none.
    /// </summary>
    public ArrayBufferWriter<byte>? PendingArguments { get; set; }
}
