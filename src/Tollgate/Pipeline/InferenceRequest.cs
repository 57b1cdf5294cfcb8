using Tollgate.Governance.Model;

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
    long StartedAt);
