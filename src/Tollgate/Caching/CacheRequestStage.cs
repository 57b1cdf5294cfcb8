using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Caching;

/// <summary>
/// The cache's lookup, a request stage after guardrails on input (so a masked prompt is what is keyed), before any
/// candidate is routed or admitted:
/// <code>
///   cache off ─────────────────────────────────────────────► (nothing: no header, no allocation)
///   no-store ──────────────────────────────────────────────► bypass, nothing kept
///   key = scope + namespace + operation + routed model + canonical body
///     ├─ no-cache ─► bypass, fresh answer kept
///     ├─ found, fresh, servable ─► request.Served (the pipeline replays it in the client's dialect): hit
///     └─ otherwise ─► miss; a recorder keeps the answer for the TTL
/// </code>
/// A hit sends nothing upstream, so it takes no upstream rate limit or budget reservation and costs the caller nothing
/// (unless <c>charge_hits</c>); it is logged with <c>cache = hit</c> and the cost it saved.
/// </summary>
internal sealed class CacheRequestStage(GatewayConfigMonitor config, ICacheStore store, CacheMetrics metrics, SemanticIndex semanticIndex,
    CacheEmbedder embedder, TimeProvider time, ILogger<CacheRequestStage> logger) : IRequestStage
{
    public async ValueTask<GatewayError?> OnRequestAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var cache = config.Current.Cache;
        var exact = request.VirtualKey?.Cache ?? cache.Exact;
        var keyOff = request.VirtualKey?.Cache is { Enabled: false };
        var semantic = cache.Semantic.Enabled && !keyOff && request.Operation == InferenceOperation.ChatCompletions ? cache.Semantic : null;
        if ((!exact.Enabled && semantic is null) || !Cacheable(request.Operation))
        {
            return null;
        }

        var http = request.Http;
        var control = CacheHeaders.Read(http.Request.Headers);
        if (control.NoStore)
        {
            return Status(request, "bypass");
        }

        var model = request.RoutedModel ?? request.Sniff.Model ?? string.Empty;
        UInt128 key;
        try
        {
            key = CacheKeys.Compute(CacheKeys.ScopeOf(exact.Scope, request.VirtualKey), control.Namespace, request.Operation, model, request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // not JSON the cache can key; the upstream will say what is wrong with it
        }

        if (!control.NoCache && exact.Enabled && await LookupAsync(key, request, cancellationToken).ConfigureAwait(false) is { } answer)
        {
            return Served(request, answer, "hit", cache);
        }

        // The semantic cache: embed the last user turn, compare within the same context only.
        UInt128 context = default;
        float[]? vector = null;
        if (semantic is not null && SemanticPrompt.Split(request.Body) is { } prompt)
        {
            context = CacheKeys.Compute(CacheKeys.ScopeOf(semantic.Scope, request.VirtualKey), control.Namespace, request.Operation, model, prompt.Context);
            vector = await embedder.EmbedAsync(semantic.EmbeddingModel!, prompt.Text, cancellationToken).ConfigureAwait(false);
            if (!control.NoCache && vector is not null && semanticIndex.Find(context, vector, semantic.Threshold) is { } near
                && await LookupAsync(near.AnswerKey, request, cancellationToken).ConfigureAwait(false) is { } similar)
            {
                return Served(request, similar, "semantic-hit", cache);
            }
        }

        var ttl = TimeSpan.FromSeconds(control.TtlSeconds ?? (exact.Enabled ? exact.TtlSeconds : semantic!.TtlSeconds));
        if (ttl > TimeSpan.Zero)
        {
            Record(request, key, ttl, cache.MaxEntryBytes, context, vector);
        }

        return Status(request, control.NoCache ? "bypass" : "miss");
    }

    /// <summary>A recorder for this request (apart, so the no-cache path allocates no closure for its lambda).</summary>
    private void Record(InferenceRequest request, UInt128 key, TimeSpan ttl, int maxBytes, UInt128 context, float[]? vector)
    {
        var expires = (time.GetUtcNow() + ttl).ToUnixTimeMilliseconds();
        var recorder = new CacheRecorder(this, key, ttl, maxBytes)
        {
            AfterStore = vector is null ? null : stored =>
            {
                semanticIndex.Add(context, vector, stored, expires);
                return default;
            },
        };
        request.Recorder = recorder;
        request.Http.Response.RegisterForDispose(recorder);
    }

    private GatewayError? Served(InferenceRequest request, StoredAnswer answer, string status, CacheConfig cache)
    {
        request.Served = answer;
        request.ChargeServed = cache.ChargeHits;
        request.CacheStatus = status;
        metrics.Hit(status, answer);
        return null;
    }

    private GatewayError? Status(InferenceRequest request, string status)
    {
        request.CacheStatus = status;
        request.Http.Response.Headers[GatewayHeaders.Cache] = status;
        metrics.Lookup(status);
        return null;
    }

    private static bool Cacheable(InferenceOperation operation) =>
        operation is InferenceOperation.ChatCompletions or InferenceOperation.Completions or InferenceOperation.Embeddings;

    private async ValueTask<StoredAnswer?> LookupAsync(UInt128 key, InferenceRequest request, CancellationToken cancellationToken)
    {
        CacheItem? item;
        try
        {
            item = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CacheLog.LookupFailed(logger, ex);
            return null;
        }

        if (item is null || item.ExpiresAtMs <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return null;
        }

        var answer = item.Answer;
        if (answer.NativeDialect is { } native)
        {
            // An answer in a client dialect (from a passthrough) serves only that dialect, in the same kind (JSON or stream).
            var stream = request.Sniff.Stream && request.Operation != InferenceOperation.Embeddings;
            return native == request.Entry.Dialect.EndpointName(request.Operation) && (answer.Format == StoredAnswerFormat.Stream) == stream
                ? answer
                : null;
        }

        return AnswerShapes.For(answer, request);
    }

    /// <summary>Keeps an answer (called by the recorder); a store that fails is logged, never the request's problem.</summary>
    public void Store(UInt128 key, StoredAnswer answer, TimeSpan ttl, Func<UInt128, ValueTask>? afterStore)
    {
        var item = new CacheItem(answer, (time.GetUtcNow() + ttl).ToUnixTimeMilliseconds());
        _ = StoreAsync(key, item, ttl, afterStore);
    }

    private async Task StoreAsync(UInt128 key, CacheItem item, TimeSpan ttl, Func<UInt128, ValueTask>? afterStore)
    {
        try
        {
            await store.SetAsync(key, item, ttl).ConfigureAwait(false);
            metrics.Stored();
            if (afterStore is not null)
            {
                await afterStore(key).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A cache that cannot store only misses later; the answer already went out.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CacheLog.StoreFailed(logger, ex);
        }
    }
}
