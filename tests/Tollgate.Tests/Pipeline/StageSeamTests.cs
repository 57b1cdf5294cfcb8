using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Pipeline;
using static Tollgate.Tests.Pipeline.PipelineFakes;

namespace Tollgate.Tests.Pipeline;

/// <summary>
/// The stage seam costs nothing until a stage is configured (issue 13): the hooks the request handler, the exchange and
/// the relay call on every request and every stream event allocate nothing. Allocation per thread is exact, not a timing.
/// </summary>
public sealed class StageSeamTests
{
    private const int Calls = 1_000;

    private static long AllocatedBy(Action action)
    {
        action(); // first calls may JIT or initialise statics
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void NoStagesConfigured_EveryHookAllocatesNothing()
    {
        var stages = PipelineStages.Empty;
        var call = Call(Provider(new NetworkConfig(), null, Key("k1")), stream: true);
        var data = """{"choices":[{"delta":{"content":"hi"}}]}"""u8.ToArray();
        var blocked = 0;

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                var request = stages.OnRequestAsync(null!, CancellationToken.None);
                blocked += request.IsCompletedSuccessfully && request.Result is null ? 0 : 1;
                var answer = stages.Answer;
                if (!answer.IsEmpty)
                {
                    blocked++;
                }

                blocked += answer.OnAnswer(call, data) is null ? 0 : 1;
                blocked += answer.OnStreamEvent(call, default, data) is null ? 0 : 1;
                answer.OnStreamEnd(call, completed: true);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(0, blocked);
        Assert.False(stages.HasRequestStages);
        Assert.Same(AnswerStages.None, AnswerStages.Of([]));
    }

    private sealed class Refuse(string code) : IRequestStage
    {
        public ValueTask<GatewayError?> OnRequestAsync(InferenceRequest request, CancellationToken cancellationToken) =>
            new(GatewayError.BadRequest("refused", "rule", code));
    }

    private sealed class Allow : IRequestStage
    {
        public int Seen { get; private set; }

        public ValueTask<GatewayError?> OnRequestAsync(InferenceRequest request, CancellationToken cancellationToken)
        {
            Seen++;
            return default;
        }
    }

    [Fact]
    public async Task RequestStages_RunInOrder_AndTheFirstRefusalWins()
    {
        var allow = new Allow();
        var stages = new PipelineStages([allow, new Refuse("first"), new Refuse("second")], []);

        var error = await stages.OnRequestAsync(null!, CancellationToken.None);

        Assert.True(stages.HasRequestStages);
        Assert.Equal(1, allow.Seen);
        Assert.Equal("first", error?.Code);
    }
}
