using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Streaming;

namespace Tollgate.Pipeline;

/// <summary>How one stream is relayed: its limits, the OpenAI epilogue's identity, and who writes the client's events.</summary>
internal sealed record StreamRelayOptions(
    string Provider,
    TimeSpan IdleTimeout,
    bool ClientWantsUsage,
    string ChunkObject,
    string FallbackId,
    long Created,
    string Model)
{
    /// <summary>The key's health, told the time to the first event (time to first token) for adaptive routing.</summary>
    public KeyHealth? Health { get; init; }

    /// <summary>Stopwatch timestamp when the upstream request was sent.</summary>
    public long SentAt { get; init; }

    /// <summary>The longest the whole stream may last (<c>stream_total_timeout_in_seconds</c>); null for no limit.</summary>
    public TimeSpan? TotalTimeout { get; init; }

    /// <summary>
    /// The client's dialect when the upstream already speaks it (passthrough): relay as is, no OpenAI epilogue, and a
    /// mid-stream failure in that dialect's error event. Null otherwise.
    /// </summary>
    public IClientDialect? Native { get; init; }

    /// <summary>For clients of another dialect (Anthropic, Responses): turns the OpenAI chunks into its event stream.</summary>
    public IStreamSink? Sink { get; init; }

    /// <summary>Stages that see every event on its way to the client (<see cref="AnswerStages"/>); empty costs nothing.</summary>
    public AnswerStages Stages { get; init; } = AnswerStages.None;

    /// <summary>The call being relayed, for the stages (required when <see cref="Stages"/> is not empty).</summary>
    public InferenceCall? Call { get; init; }
}
