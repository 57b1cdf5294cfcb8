using Tollgate.Governance.Model;
using Tollgate.Inference;

namespace Tollgate.Pipeline;

/// <summary>
/// One client request as the pipeline holds it while it tries candidate models: what came in, in the dialect
/// the pipeline runs in, and who sent it. Each candidate becomes an <see cref="InferenceCall"/>.
/// </summary>
internal sealed record InferenceRequest(
    HttpContext Http,
    InferenceOperation Operation,
    EntryPoint Entry,
    RequestSniff Sniff,
    ReadOnlyMemory<byte> Body,
    ReadOnlyMemory<byte> OriginalBody,
    IDisposable? DialectState,
    VirtualKey? VirtualKey,
    string RequestId,
    long StartedAt)
{
    /// <summary>A request stage's rewrite of <see cref="Body"/> (guardrail masking); the pipeline then sends it instead,
    /// translated (no passthrough of the client's original body).</summary>
    public ReadOnlyMemory<byte>? RewrittenBody { get; set; }

    /// <summary>What the request log keeps as the prompt when a stage changed or refused it (masked text, never the original).</summary>
    public string? LoggedBody { get; set; }
}
