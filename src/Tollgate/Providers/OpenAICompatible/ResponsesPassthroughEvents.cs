using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers.OpenAICompatible;

/// <summary>Responses events: usage and the end in response.completed (or incomplete, or failed).</summary>
internal sealed class ResponsesPassthroughEvents : IPassthroughEvents
{
    public static readonly ResponsesPassthroughEvents Instance = new();

    public PassthroughEvent Classify(ReadOnlySpan<byte> eventName) =>
        eventName.SequenceEqual("response.output_text.delta"u8) ? PassthroughEvent.Content
        : eventName.SequenceEqual("response.completed"u8) || eventName.SequenceEqual("response.incomplete"u8)
            || eventName.SequenceEqual("response.failed"u8) ? PassthroughEvent.Final
        : PassthroughEvent.Other;

    public TokenUsage ReadUsage(ReadOnlySpan<byte> data, TokenUsage known) => OpenAIResponsesPassthroughClient.ReadUsage(data, fromCompletedEvent: true);
}
