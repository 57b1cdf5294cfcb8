using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>How one upstream attempt ended: <see cref="Done"/> once an answer (or a started stream) went to the client, else the error.</summary>
internal readonly record struct AttemptOutcome(GatewayError? Error)
{
    public static AttemptOutcome Done => default;
}
