using Tollgate.Inference;

namespace Tollgate.Streaming;

/// <summary>A dialect's stream events, as far as a <see cref="PassthroughStream"/> needs to know them.</summary>
internal interface IPassthroughEvents
{
    PassthroughEvent Classify(ReadOnlySpan<byte> eventName);

    /// <summary>The usage an event reports, on top of what is <paramref name="known"/> (fields it leaves out keep their value).</summary>
    TokenUsage ReadUsage(ReadOnlySpan<byte> data, TokenUsage known);
}
