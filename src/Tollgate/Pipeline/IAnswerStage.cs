using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// A stage that sees every answer on its way to the client: the whole JSON answer, or each stream event as the upstream
/// sent it (OpenAI chunks, or the client's own dialect on a passthrough, see <see cref="InferenceCall.NativeDialect"/>).
/// Guardrails on output (issue 15) and cache fill (issue 19) are answer stages. An error stops the answer: a JSON answer
/// is replaced by the error, a stream ends with the dialect's error event and end marker.
/// </summary>
internal interface IAnswerStage
{
    GatewayError? OnAnswer(InferenceCall call, ReadOnlySpan<byte> answer);

    GatewayError? OnStreamEvent(InferenceCall call, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);

    /// <summary>The stream ended (completed, failed or cut by the client); a stage may settle what it gathered.</summary>
    void OnStreamEnd(InferenceCall call, bool completed);
}
