using Tollgate.Inference;
using Tollgate.Providers;

namespace Tollgate.Caching;

/// <summary>The semantic cache's own embeddings request as a wire client sees one (no client, no dialect).</summary>
internal sealed class EmbeddingCall : IUpstreamCall
{
    public InferenceOperation Operation => InferenceOperation.Embeddings;

    public required ReadOnlyMemory<byte> Body { get; init; }

    public ReadOnlyMemory<byte> OriginalBody => default;

    public required RequestSniff Sniff { get; init; }

    public required ProviderRuntime Provider { get; init; }

    public required string Model { get; init; }

    public required long Created { get; init; }

    public IHeaderDictionary ClientHeaders { get; } = new HeaderDictionary();
}
