using System.Buffers;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers;

/// <summary>
/// A wire client for a provider that speaks the client's own dialect: the client's original body goes up with only
/// <c>model</c> rewritten, and the answer comes back byte for byte (JSON, or a <see cref="PassthroughStream"/>) with its
/// usage read on the way. A subclass says where to send it, how to authenticate and how its dialect reports usage.
/// </summary>
internal abstract class PassthroughClient(IPassthroughEvents events) : ProviderClient
{
    public sealed override GatewayError? WriteBody(IUpstreamCall call, IBufferWriter<byte> output)
    {
        // The body before the inbound translation is what the upstream expects.
        BodyRewriter.Rewrite(call.OriginalBody.Span, new BodyRewrite { Model = call.Model }, output);
        return null;
    }

    public sealed override bool TransformsResponse(IUpstreamCall call) => true;

    public sealed override TokenUsage WriteResponse(IUpstreamCall call, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        output.Write(upstreamBody);
        return ReadAnswerUsage(upstreamBody);
    }

    public sealed override IStreamTranslator CreateStreamTranslator(IUpstreamCall call) => new PassthroughStream(events);

    /// <summary>The usage of a JSON answer in the dialect's shape.</summary>
    protected abstract TokenUsage ReadAnswerUsage(ReadOnlySpan<byte> answer);
}
