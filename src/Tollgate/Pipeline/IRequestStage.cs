using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// A stage that sees each request once it is authenticated and in the pipeline's dialect, before any candidate model is
/// routed or admitted: guardrails on input (issue 15), an exact or semantic cache lookup (issue 19). Returning an error
/// answers the client with it in the client's dialect; null lets the request go on.
/// </summary>
internal interface IRequestStage
{
    ValueTask<GatewayError?> OnRequestAsync(InferenceRequest request, CancellationToken cancellationToken);
}
