using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Governance.Pricing;
using Tollgate.Inference;
using Tollgate.Providers;

namespace Tollgate.Pipeline;

/// <summary>Everything one inference request carries through the pipeline, from the parsed body to the usage it cost.</summary>
internal sealed class InferenceCall : IUpstreamCall
{
    public required HttpContext Http { get; init; }

    IHeaderDictionary IUpstreamCall.ClientHeaders => Http.Request.Headers;

    public required InferenceOperation Operation { get; init; }

    /// <summary>The dialect to answer in (the request was translated to OpenAI's on the way in).</summary>
    public required IClientDialect Dialect { get; init; }

    /// <summary>The client's body before any dialect translation (for passthrough to a provider of the same dialect).</summary>
    public ReadOnlyMemory<byte> OriginalBody { get; init; }

    /// <summary>The wire client for this call: the provider's, or a passthrough when client and provider share a dialect.</summary>
    public ProviderClient Client { get; set; } = null!;

    /// <summary>True when the answer is already in the client's dialect (passthrough): no translation on the way back.</summary>
    public bool NativeDialect { get; set; }

    /// <summary>What the dialect keeps for the way back (a Responses call's request and id); null for most dialects.</summary>
    public IDisposable? DialectState { get; init; }

    /// <summary>The model name as the client wrote it, echoed in translated responses.</summary>
    public string RequestedModel { get; init; } = string.Empty;

    /// <summary>The client's body exactly as received.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    public required RequestSniff Sniff { get; init; }

    public required string RequestId { get; init; }

    /// <summary>Stopwatch timestamp when the gateway started handling the request.</summary>
    public required long StartedAt { get; init; }

    public ProviderRuntime Provider { get; set; } = null!;

    /// <summary>The model name the upstream knows (the part after <c>provider/</c>).</summary>
    public string Model { get; set; } = string.Empty;

    public ProviderKeyConfig? Key { get; set; }

    /// <summary>The health of <see cref="Key"/>, told how the attempt went (and a stream's time to first token).</summary>
    public KeyHealth? Health { get; set; }

    public int Attempts { get; set; }

    /// <summary>True once a success response from the upstream went (or started going) to the client.</summary>
    public bool Succeeded { get; set; }

    /// <summary>The error this call ended with, when it did not succeed.</summary>
    public GatewayError? Error { get; set; }

    /// <summary>Model-limit token buckets this call took from, corrected with the real usage at settlement.</summary>
    public List<ModelLimitTake>? ModelLimitTakes { get; set; }

    /// <summary>True when <see cref="Usage"/> was estimated because the upstream reported none.</summary>
    public bool UsageEstimated { get; set; }

    /// <summary>Content-bearing chunks relayed on a stream; about one token each, the estimate when a stream reports no usage.</summary>
    public int StreamContentChunks { get; set; }

    /// <summary>Input tokens estimated at admission (0 when nothing needed an estimate).</summary>
    public int EstimatedInputTokens { get; set; }

    /// <summary>The model's price, when the catalog knows it; set at admission.</summary>
    public ModelPrice? Price { get; set; }

    public TokenUsage Usage { get; set; }

    /// <summary>Ticks spent waiting on the upstream, to report the gateway's own overhead.</summary>
    public long UpstreamTicks { get; set; }

    /// <summary>Ticks spent on upstream exchanges over every attempt (a stream's whole length), for the request log.</summary>
    public long UpstreamWaitTicks { get; set; }

    /// <summary>Stopwatch timestamp of the first streamed event sent to the client; 0 when nothing streamed.</summary>
    public long FirstByteAt { get; set; }

    /// <summary>What this call cost in nano-USD, set at settlement; null when the model has no price.</summary>
    public long? CostNano { get; set; }

    /// <summary>Unix seconds when the call began (from the injected TimeProvider), stamped on chunks the gateway writes.</summary>
    public required long Created { get; init; }

    /// <summary>Stages that see the answer on its way to the client.</summary>
    public AnswerStages Stages { get; init; } = AnswerStages.None;
}
