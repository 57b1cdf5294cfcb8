using Tollgate.Inference;

namespace Tollgate.Providers;

/// <summary>
/// What a wire client reads of one call, and nothing else: the pipeline's <c>InferenceCall</c> implements it, so clients
/// stay below the pipeline without a per-request copy.
/// </summary>
internal interface IUpstreamCall
{
    InferenceOperation Operation { get; }

    /// <summary>The OpenAI-dialect body (after the client dialect's translation).</summary>
    ReadOnlyMemory<byte> Body { get; }

    /// <summary>The client's body before any dialect translation (for passthrough to a provider of the same dialect).</summary>
    ReadOnlyMemory<byte> OriginalBody { get; }

    RequestSniff Sniff { get; }

    ProviderRuntime Provider { get; }

    /// <summary>The model name the upstream knows.</summary>
    string Model { get; }

    /// <summary>Unix seconds when the call began, stamped on chunks the gateway writes.</summary>
    long Created { get; }

    /// <summary>The client's request headers (a passthrough forwards some of them).</summary>
    IHeaderDictionary ClientHeaders { get; }
}
