namespace Tollgate.Streaming;

/// <summary>
/// Reads an upstream stream one event at a time: SSE for most providers (<see cref="SseReader"/>), AWS's binary
/// event stream for Bedrock. The spans stay valid until the next <see cref="ReadAsync"/>.
/// </summary>
internal interface IStreamEventReader : IDisposable
{
    /// <summary>The event's name (SSE <c>event:</c>, or an event stream's <c>:event-type</c>); empty when it has none.</summary>
    ReadOnlySpan<byte> EventName { get; }

    /// <summary>The event's payload (SSE data lines, or an event stream message's payload).</summary>
    ReadOnlySpan<byte> Data { get; }

    /// <summary>Reads the next event. Returns false at the end of the stream.</summary>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken);
}
