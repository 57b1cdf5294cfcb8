using Tollgate.Configuration;
using Tollgate.Governance.Pricing;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Streaming;

namespace Tollgate.Caching;

/// <summary>
/// One request's cache fill, appended to its answer stages after the registered ones (so an answer guardrails blocked
/// never gets here). A JSON answer is stored whole; a stream's events are gathered as SSE frames and stored when the
/// stream completes. Streams are kept as OpenAI chunks (replayed through any client dialect) or, on a passthrough, in
/// the client's dialect as sent. An Anthropic upstream's events translated for another dialect are not kept: the
/// stage sees them before translation (its JSON answers are, after translation).
/// </summary>
internal sealed class CacheRecorder(CacheRequestStage owner, UInt128 key, TimeSpan ttl, int maxBytes) : IAnswerStage, IDisposable
{
    private PooledBufferWriter? _frames;
    private bool _skip;
    private TokenUsage _usage;

    /// <summary>Also feeds the semantic index once stored; null when the semantic cache is off.</summary>
    public Func<UInt128, ValueTask>? AfterStore { get; init; }

    public GatewayError? OnAnswer(InferenceCall call, ReadOnlySpan<byte> answer)
    {
        if (answer.Length <= maxBytes)
        {
            Store(call, StoredAnswerFormat.Json, answer.ToArray(), call.Usage);
        }

        return null;
    }

    public GatewayError? OnStreamEvent(InferenceCall call, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (_skip)
        {
            return null;
        }

        if (_frames is null)
        {
            if (!call.NativeDialect && call.Provider.Traits.Family != ProviderFamily.OpenAICompatible)
            {
                _skip = true;
                return null;
            }

            _frames = new PooledBufferWriter(4096);
        }

        if (data.SequenceEqual("[DONE]"u8) || data.IsEmpty)
        {
            return null;
        }

        if (!call.NativeDialect)
        {
            if (data.StartsWith("{\"error\""u8))
            {
                _skip = true;
                return null;
            }

            if (UsageReader.MayContainUsage(data) && UsageReader.TryRead(data, out var usage, out var emptyChoices))
            {
                _usage = usage;
                if (emptyChoices)
                {
                    return null; // the replay writes its own usage chunk when the client asks for one
                }

                // Databricks' running totals on every chunk: kept as the relay sends them, without usage.
                _frames.Write(SseFrames.DataPrefix);
                BodyRewriter.WriteWithout(data, JsonFields.Usage.EncodedUtf8Bytes, _frames);
                _frames.Write(SseFrames.EventEnd);
                return null;
            }

            if (data.IndexOf("\"choices\":[]"u8) >= 0)
            {
                return null; // nothing an OpenAI client uses (Azure's prompt_filter_results), as the relay drops it
            }
        }

        if (!eventName.IsEmpty)
        {
            _frames.Write("event: "u8);
            _frames.Write(eventName);
            _frames.Write("\n"u8);
        }

        _frames.Write(SseFrames.DataPrefix);
        _frames.Write(data);
        _frames.Write(SseFrames.EventEnd);
        if (_frames.WrittenCount > maxBytes)
        {
            _skip = true;
        }

        return null;
    }

    public void OnStreamEnd(InferenceCall call, bool completed)
    {
        if (completed && !_skip && _frames is { WrittenCount: > 0 } frames && frames.WrittenCount <= maxBytes)
        {
            // A passthrough's usage is in its own dialect; the relay read it into the call.
            Store(call, StoredAnswerFormat.Stream, frames.WrittenSpan.ToArray(), call.NativeDialect || _usage.IsEmpty ? call.Usage : _usage);
        }

        // A fallback candidate starts afresh.
        _frames?.Dispose();
        _frames = null;
        _skip = false;
        _usage = default;
    }

    public void Dispose()
    {
        _frames?.Dispose();
        _frames = null;
    }

    private void Store(InferenceCall call, StoredAnswerFormat format, byte[] payload, TokenUsage usage)
    {
        var answer = new StoredAnswer
        {
            Format = format,
            NativeDialect = call.NativeDialect ? call.Dialect.EndpointName(call.Operation) : null,
            Provider = call.Provider.Name,
            Model = call.Model,
            Usage = usage,
            CostNano = call.Price is { } price ? CostCalculator.ToNanoUsd(CostCalculator.Cost(price, usage), roundUp: false) : null,
            Payload = payload,
        };
        owner.Store(key, answer, ttl, AfterStore);
    }
}
