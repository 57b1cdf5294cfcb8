using System.Buffers;
using Tollgate.Inference;
using Tollgate.Providers.OpenAICompatible;
using Tollgate.Streaming;

namespace Tollgate.Api.Dialects;

/// <summary>
/// What every client dialect's stream sink over OpenAI chunks shares: one parse per chunk, a broken chunk or an
/// upstream error chunk ending the stream in the dialect's own error shape, the latest usage totals and the finish
/// reason. A dialect writes its events from the parsed chunk in <see cref="OnContent"/>.
/// </summary>
internal abstract class OpenAIChunkSink : IStreamSink
{
    private readonly OpenAIChunkReader _chunk = new();
    private TokenUsage _usage;

    /// <summary>The latest usage the upstream reported, in OpenAI's terms: prompt tokens include cached ones.</summary>
    public TokenUsage Usage => _usage;

    /// <summary>Whether the stream ended with this dialect's error.</summary>
    public bool Failed { get; protected set; }

    /// <summary>Whether the stream ended (completed or failed): later chunks are ignored.</summary>
    protected bool Finished { get; set; }

    /// <summary>The last finish reason the upstream sent, as its ASCII word; empty before one came.</summary>
    protected ReadOnlySpan<byte> FinishReason => _finishReason;

    /// <summary>The dialect's error code for an upstream that broke the stream (Anthropic <c>api_error</c>, OpenAI <c>server_error</c>).</summary>
    protected abstract string UpstreamErrorCode { get; }

    private byte[] _finishReason = [];

    /// <summary>Usage reported outside the chunks; the dialect closes the stream with it.</summary>
    public void OnUsage(TokenUsage usage) => _usage = new(usage.PromptTokens, usage.CompletionTokens, usage.CachedTokens);

    /// <summary>Translates one chunk (a <c>data:</c> payload other than <c>[DONE]</c>), appending complete frames.</summary>
    public void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        if (Finished || chunk.IsEmpty)
        {
            return;
        }

        if (!_chunk.TryRead(chunk))
        {
            Fail(UpstreamErrorCode, "The upstream sent a stream chunk that is not a JSON object.", output);
            return;
        }

        // OpenAI and vLLM report a failure after the response started as a chunk holding only an error object.
        if (_chunk.HasError)
        {
            Fail(UpstreamErrorCode, _chunk.ErrorMessage ?? "The upstream reported an error mid-stream.", output);
            return;
        }

        // Totals, not increments: OpenAI sends them once at the end, Databricks on every chunk. The latest wins.
        if (_chunk.HasUsage)
        {
            _usage = _chunk.Usage;
        }

        OnContent(_chunk, chunk, output);

        if (OpenAIChunkReader.IsNonEmpty(_chunk.FinishReason))
        {
            // Finish reasons are plain ASCII words, so the raw bytes are the value.
            _finishReason = chunk[_chunk.FinishReason][1..^1].ToArray();
        }
    }

    /// <summary>Writes the dialect's events for one parsed chunk (<paramref name="chunk"/> holds the bytes its ranges point into).</summary>
    protected abstract void OnContent(OpenAIChunkReader parsed, ReadOnlySpan<byte> chunk, IBufferWriter<byte> output);

    public abstract void Complete(IBufferWriter<byte> output);

    /// <summary>Ends the stream with the dialect's error carrying <paramref name="code"/> (its own error type or code) and <paramref name="message"/>.</summary>
    public abstract void Fail(string code, string message, IBufferWriter<byte> output);

    /// <summary>Ends the stream with a gateway error, mapped to the dialect's error code.</summary>
    public abstract void Fail(GatewayError error, IBufferWriter<byte> output);
}
