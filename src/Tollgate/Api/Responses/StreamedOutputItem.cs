using System.Buffers;
using Tollgate.Providers.OpenAICompatible;

namespace Tollgate.Api.Responses;

/// <summary>
/// One output item of a streamed response: an assistant message, or a function call on its way from OpenAI tool call
/// fragments. Text and arguments are kept as the escaped bytes the upstream sent, because the done events and the final
/// response repeat them whole.
/// </summary>
internal sealed class StreamedOutputItem(bool isFunctionCall, int openAIIndex) : IStreamedToolCall
{
    public bool IsFunctionCall { get; } = isFunctionCall;

    /// <summary>The upstream's <c>tool_calls[].index</c>; -1 for a message, or an upstream that sends none.</summary>
    public int OpenAIIndex { get; } = openAIIndex;

    /// <summary>"msg_…" or "fc_…", once output_item.added was written.</summary>
    public string Id { get; set; } = "";

    /// <summary>The item's place in <c>output</c> once output_item.added was written; -1 before.</summary>
    public int OutputIndex { get; set; } = -1;

    /// <summary>"in_progress" until output_item.done, then "completed" or "incomplete".</summary>
    public string Status { get; set; } = "in_progress";

    /// <summary>The text, or the arguments, as escaped JSON string contents.</summary>
    public ArrayBufferWriter<byte> Escaped { get; } = new();

    /// <summary>The call id as a JSON string, quotes included; null until the upstream sends one.</summary>
    public byte[]? CallId { get; set; }

    /// <summary>The function name as a JSON string, quotes included; null until the upstream sends one.</summary>
    public byte[]? Name { get; set; }
}
