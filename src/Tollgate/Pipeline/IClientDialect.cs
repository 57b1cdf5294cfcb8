using System.Buffers;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Streaming;

namespace Tollgate.Pipeline;

/// <summary>
/// One API dialect a client speaks (OpenAI chat/completions/embeddings, Anthropic Messages, OpenAI Responses), chosen
/// once by the endpoint. The pipeline runs in OpenAI's chat dialect; a dialect translates at the two edges and nowhere
/// else, so no other type branches on which dialect a client speaks. Implementations are stateless singletons; what a
/// request needs on the way back travels in <see cref="InferenceCall.DialectState"/>.
/// </summary>
internal interface IClientDialect
{
    /// <summary>The endpoint's name in request logs and metrics (<c>chat.completions</c>, <c>messages</c>, ...).</summary>
    string EndpointName(InferenceOperation operation);

    /// <summary>
    /// Turns the client's body into the OpenAI-dialect body the pipeline runs in. On success the result owns both
    /// buffers; on error the caller disposes <paramref name="body"/>.
    /// </summary>
    ValueTask<DialectRequest> TranslateAsync(PooledBufferWriter body, CancellationToken cancellationToken);

    /// <summary>A client for a provider that speaks this dialect itself (the body goes as sent), or null to translate.</summary>
    ProviderClient? PassthroughFor(ProviderRuntime provider, DialectRequest request);

    /// <summary>An error that rules out this candidate once the wire client is chosen (a conversation only OpenAI holds).</summary>
    GatewayError? CheckCandidate(InferenceCall call);

    /// <summary>Whether a translated (non-passthrough) JSON answer must be rewritten from OpenAI's dialect.</summary>
    bool TranslatesAnswer { get; }

    /// <summary>Rewrites an OpenAI JSON answer in this dialect (only when <see cref="TranslatesAnswer"/>).</summary>
    void WriteAnswer(InferenceCall call, ReadOnlySpan<byte> openAIAnswer, IBufferWriter<byte> output);

    /// <summary>After a translated JSON answer went out: what the dialect keeps of it (a Responses conversation).</summary>
    ValueTask AnsweredAsync(InferenceCall call, ReadOnlyMemory<byte> openAIAnswer);

    /// <summary>The sink that writes this dialect's events from OpenAI chunks; null when the client reads OpenAI chunks.</summary>
    IStreamSink? CreateStreamSink(InferenceCall call);

    /// <summary>After a translated stream completed: what the dialect keeps of it.</summary>
    ValueTask StreamedAsync(InferenceCall call, IStreamSink sink);

    /// <summary>An error response body in this dialect's shape.</summary>
    void WriteError(GatewayError error, IBufferWriter<byte> output);

    /// <summary>A mid-stream error event in this dialect, for a passthrough stream (one the upstream wrote in it).</summary>
    void WriteStreamError(GatewayError error, IBufferWriter<byte> output);
}
