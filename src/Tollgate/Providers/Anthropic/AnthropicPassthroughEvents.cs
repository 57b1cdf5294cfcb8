using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers.Anthropic;

/// <summary>Anthropic events: usage in message_start and message_delta, the end at message_stop.</summary>
internal sealed class AnthropicPassthroughEvents : IPassthroughEvents
{
    public static readonly AnthropicPassthroughEvents Instance = new();

    public PassthroughEvent Classify(ReadOnlySpan<byte> eventName) =>
        eventName.SequenceEqual("message_stop"u8) ? PassthroughEvent.End
        : eventName.SequenceEqual("content_block_delta"u8) ? PassthroughEvent.Content
        : eventName.SequenceEqual("message_start"u8) || eventName.SequenceEqual("message_delta"u8) ? PassthroughEvent.Usage
        : PassthroughEvent.Other;

    public TokenUsage ReadUsage(ReadOnlySpan<byte> data, TokenUsage known)
    {
        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            var root = document.RootElement;
            var usage = root.TryGetProperty("message"u8, out var message) ? message.GetProperty("usage"u8) : root.GetProperty("usage"u8);
            return AnthropicPassthroughClient.ReadUsage(usage, known);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // An event without usage: keep what is known.
            return known;
        }
    }
}
