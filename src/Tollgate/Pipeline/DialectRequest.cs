using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// A client body after its dialect translated it: <see cref="Body"/> is the OpenAI-dialect body the pipeline runs in,
/// <see cref="Original"/> the body as the client sent it (for a passthrough; null when no translation happened), and
/// <see cref="State"/> what the dialect needs again on the way back.
/// </summary>
internal readonly record struct DialectRequest(PooledBufferWriter? Body, PooledBufferWriter? Original, IDisposable? State, GatewayError? Error)
{
    public static DialectRequest Failed(GatewayError error) => new(null, null, null, error);
}
