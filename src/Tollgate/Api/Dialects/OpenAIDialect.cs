using System.Buffers;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Streaming;

namespace Tollgate.Api.Dialects;

/// <summary>
/// OpenAI's Chat Completions, legacy Completions and Embeddings on <c>/v1</c>, <c>/openai/v1</c> and the Databricks
/// drop-in paths: the dialect the pipeline runs in, so nothing is translated and answers go out as the upstream
/// client wrote them.
/// </summary>
internal sealed class OpenAIDialect : IClientDialect
{
    public static readonly OpenAIDialect Instance = new();

    private OpenAIDialect()
    {
    }

    public bool TranslatesAnswer => false;

    public string EndpointName(InferenceOperation operation) => operation switch
    {
        InferenceOperation.Completions => "completions",
        InferenceOperation.Embeddings => "embeddings",
        _ => "chat.completions",
    };

    public ValueTask<DialectRequest> TranslateAsync(PooledBufferWriter body, CancellationToken cancellationToken) =>
        new(new DialectRequest(body, null, null, null));

    public ProviderClient? PassthroughFor(ProviderRuntime provider, DialectRequest request) => null;

    public GatewayError? CheckCandidate(InferenceCall call) => null;

    public void WriteAnswer(InferenceCall call, ReadOnlySpan<byte> openAIAnswer, IBufferWriter<byte> output) => output.Write(openAIAnswer);

    public ValueTask AnsweredAsync(InferenceCall call, ReadOnlyMemory<byte> openAIAnswer) => default;

    public IStreamSink? CreateStreamSink(InferenceCall call) => null;

    public ValueTask StreamedAsync(InferenceCall call, IStreamSink sink) => default;

    public void WriteError(GatewayError error, IBufferWriter<byte> output) => OpenAIErrorBody.Write(error, output);

    public void WriteStreamError(GatewayError error, IBufferWriter<byte> output) => SseFrames.WriteError(error, output);
}
