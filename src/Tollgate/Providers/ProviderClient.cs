using System.Buffers;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers;

/// <summary>
/// One wire family's client: builds the upstream request from the client's OpenAI-dialect body, and turns the upstream
/// response back into OpenAI's dialect. Stateless; per-provider differences come from <see cref="ProviderTraits"/>.
/// </summary>
internal abstract class ProviderClient
{
    /// <summary>Null when the provider can serve <paramref name="operation"/>; otherwise the 400 to return.</summary>
    public virtual GatewayError? CheckSupported(ProviderRuntime provider, InferenceOperation operation) => null;

    /// <summary>Writes the upstream body. Keys never change it, so it is built once per provider and reused across retries.</summary>
    public abstract GatewayError? WriteBody(IUpstreamCall call, IBufferWriter<byte> output);

    public abstract Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key);

    public abstract void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret);

    /// <summary>Headers the client's request carries that the upstream must see (e.g. Anthropic beta flags on passthrough).</summary>
    public virtual void ApplyClientHeaders(HttpRequestMessage request, IUpstreamCall call)
    {
    }

    /// <summary>Whether a non-stream success body must be rewritten (otherwise it is relayed as is).</summary>
    public abstract bool TransformsResponse(IUpstreamCall call);

    /// <summary>Rewrites a non-stream success body into OpenAI's dialect and returns its usage.</summary>
    public abstract TokenUsage WriteResponse(IUpstreamCall call, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output);

    public abstract IStreamTranslator CreateStreamTranslator(IUpstreamCall call);

    /// <summary>How the upstream frames its stream: SSE unless the provider says otherwise (Bedrock's binary event stream).</summary>
    public virtual IStreamEventReader CreateEventReader(Stream upstream) => new SseReader(upstream);

    /// <summary>
    /// Last step before sending, once every header is set: a provider that signs requests (AWS SigV4 over the body's
    /// hash) does it here. <paramref name="secret"/> is the key's credential as <see cref="ApplyAuth"/> got it.
    /// </summary>
    public virtual void SignRequest(HttpRequestMessage request, IUpstreamCall call, ProviderKeyConfig? key, ReadOnlySpan<byte> body)
    {
    }
}
