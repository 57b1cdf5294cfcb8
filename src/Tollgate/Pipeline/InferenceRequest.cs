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

    /// <summary>The model after routing rules, before fallbacks: the first candidate.</summary>
    public string? RoutedModel { get; init; }

    /// <summary>An answer a request stage serves instead of going upstream (a cache hit); the pipeline replays it in
    /// the client's dialect and routes nothing.</summary>
    public StoredAnswer? Served { get; set; }

    /// <summary>When true the served answer is billed (logged at its original cost); by default a hit costs nothing.</summary>
    public bool ChargeServed { get; set; }

    /// <summary>A stage for this request only, appended to the registered answer stages of each candidate (the cache's
    /// recorder); null costs nothing.</summary>
    public IAnswerStage? Recorder { get; set; }

    /// <summary>What a cache said about this request (<c>hit</c>, <c>semantic-hit</c>, <c>miss</c>, <c>bypass</c>), for the log.</summary>
    public string? CacheStatus { get; set; }

    /// <summary>What the request log keeps as the prompt when a stage changed or refused it (masked text, never the original).</summary>
    public string? LoggedBody { get; set; }
}
