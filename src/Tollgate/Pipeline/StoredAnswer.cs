using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// An answer kept from an earlier call (the response cache, issue 19), which a request stage may serve instead of going
/// upstream (<see cref="InferenceRequest.Served"/>). It is in OpenAI's dialect, replayed through the client's, unless
/// <see cref="NativeDialect"/> names the dialect a passthrough answered in.
/// </summary>
internal sealed class StoredAnswer
{
    public required StoredAnswerFormat Format { get; init; }

    /// <summary>Null for OpenAI's dialect; else the endpoint name (<see cref="IClientDialect.EndpointName"/>) of the client
    /// dialect the upstream answered in, which only that dialect's clients can be served.</summary>
    public string? NativeDialect { get; init; }

    public required string Provider { get; init; }

    public required string Model { get; init; }

    public TokenUsage Usage { get; init; }

    /// <summary>What the upstream call cost in nano-USD (what a hit saves); null when the model had no price.</summary>
    public long? CostNano { get; init; }

    /// <summary>The JSON answer, or the stream's SSE frames as the upstream sent them, without a usage-only chunk or <c>[DONE]</c>.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Bytes this answer holds in memory, roughly.</summary>
    public int Size => Payload.Length + Provider.Length + Model.Length + 96;
}
