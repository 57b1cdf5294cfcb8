using Tollgate.Inference;

namespace Tollgate.Streaming;

/// <summary>How a relayed stream ended: its usage, whether the upstream completed it, the failure and a client that left.</summary>
internal sealed record StreamOutcome(TokenUsage Usage, bool Completed, GatewayError? Error, bool ClientGone)
{
    public int ContentChunks { get; init; }

    /// <summary>Stopwatch timestamp when the first upstream event arrived; 0 when none did.</summary>
    public long FirstEventAt { get; init; }
}
