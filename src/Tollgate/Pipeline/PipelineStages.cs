using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// The stages registered in DI (<see cref="IRequestStage"/>, <see cref="IAnswerStage"/>), fixed once at start-up in
/// registration order. The request handler runs the request stages; the exchange hands <see cref="Answer"/> to every
/// JSON answer and stream.
/// </summary>
internal sealed class PipelineStages(IEnumerable<IRequestStage> request, IEnumerable<IAnswerStage> answer)
{
    private readonly IRequestStage[] _request = [.. request];

    public static PipelineStages Empty { get; } = new([], []);

    public AnswerStages Answer { get; } = AnswerStages.Of([.. answer]);

    public bool HasRequestStages => _request.Length > 0;

    /// <summary>The first request stage's error, or null; completes synchronously, without allocating, when there are none.</summary>
    public ValueTask<GatewayError?> OnRequestAsync(InferenceRequest request, CancellationToken cancellationToken) =>
        _request.Length == 0 ? default : RunAsync(request, cancellationToken);

    private async ValueTask<GatewayError?> RunAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        foreach (var stage in _request)
        {
            if (await stage.OnRequestAsync(request, cancellationToken).ConfigureAwait(false) is { } error)
            {
                return error;
            }
        }

        return null;
    }
}
