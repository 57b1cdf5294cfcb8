using Tollgate.Governance.Pricing;

namespace Tollgate.Governance;

internal static class MeteredCallEstimate
{
    /// <summary>The estimated input tokens of a call, read from its request body by the operation's own counting.</summary>
    public static int EstimateInput(this TokenEstimator estimator, in MeteredCall call) => call.Operation switch
    {
        MeteredOperation.Embeddings => estimator.EstimateEmbeddingsInput(call.Body.Span),
        MeteredOperation.Completions => estimator.EstimateCompletionsInput(call.Body.Span),
        _ => estimator.EstimateChatInput(call.Body.Span),
    };
}
