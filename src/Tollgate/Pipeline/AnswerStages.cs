using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// The answer stages for one call, in order. With none configured (<see cref="None"/>) every hook is one field test and
/// allocates nothing, so the seam costs nothing until a feature plugs in (tests/Tollgate.Tests/Pipeline/StageSeamTests).
/// </summary>
internal sealed class AnswerStages
{
    public static readonly AnswerStages None = new([]);

    private readonly IAnswerStage[] _stages;

    private AnswerStages(IAnswerStage[] stages) => _stages = stages;

    public bool IsEmpty => _stages.Length == 0;

    public static AnswerStages Of(IAnswerStage[] stages) => stages.Length == 0 ? None : new(stages);

    /// <summary>These stages, then <paramref name="stage"/> (a request's own).</summary>
    public AnswerStages With(IAnswerStage stage) => new([.. _stages, stage]);

    public GatewayError? OnAnswer(InferenceCall call, ReadOnlySpan<byte> answer)
    {
        foreach (var stage in _stages)
        {
            if (stage.OnAnswer(call, answer) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    public GatewayError? OnStreamEvent(InferenceCall call, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        foreach (var stage in _stages)
        {
            if (stage.OnStreamEvent(call, eventName, data) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    public void OnStreamEnd(InferenceCall call, bool completed)
    {
        foreach (var stage in _stages)
        {
            stage.OnStreamEnd(call, completed);
        }
    }
}
