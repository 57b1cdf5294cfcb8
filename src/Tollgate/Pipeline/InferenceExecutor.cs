using System.Diagnostics;
using Tollgate.Configuration;
using Tollgate.Governance.Model;
using Tollgate.Inference;
using Tollgate.Observability;
using Tollgate.Observability.RequestLogs;
using Tollgate.Observability.Tracing;
using Tollgate.Routing;

namespace Tollgate.Pipeline;

/// <summary>
/// The inference request, top to bottom; the endpoint chose the <see cref="EntryPoint"/> and so the client's dialect.
/// <code>
///   authenticate virtual key → read body (limit) → dialect: translate to OpenAI chat → sniff model/stream
///        → request stages (guardrails on input, cache lookup) → candidates: requested model, then fallbacks
///        → per candidate: route provider/model → wire client (dialect passthrough, or the provider's) → admit
///                         (model allowed, concurrency, rate limits, budget reservation)
///                         → AttemptLoop (keys, retries, backoff, OAuth refresh) → UpstreamExchange (send, relay answer)
///                         → settle (always): real cost replaces the reservation, usage recorded
///        → last error, in the dialect's shape, with the upstream's status → request log + metrics
/// </code>
/// </summary>
internal sealed class InferenceExecutor(
    ModelRouter router,
    RouteHealthRegistry routes,
    GatewayConfigMonitor config,
    GovernanceStage governance,
    AttemptLoop attempts,
    PipelineStages stages,
    RequestTelemetry telemetry,
    TimeProvider time,
    ILogger<InferenceExecutor> logger)
{
    /// <param name="operation">The operation, or null to take it from the body (Databricks invocations).</param>
    public Task ExecuteAsync(HttpContext context, InferenceOperation? operation, EntryPoint entry) =>
        RunAsync(new RequestRecord(context, entry, Stopwatch.GetTimestamp(), time.GetUtcNow()) { Operation = operation }, operation);

    private static bool MarkCrashed(RequestRecord record)
    {
        record.Crashed = !record.Http.RequestAborted.IsCancellationRequested;
        return false;
    }

    private static Task FailAsync(RequestRecord record, GatewayError error)
    {
        record.Error = error;
        return ErrorWriter.WriteAsync(record.Http, error, record.Entry.Dialect);
    }

    private async Task RunAsync(RequestRecord record, InferenceOperation? operation)
    {
        var context = record.Http;
        try
        {
            record.RequestId = RequestIds.Ensure(context);
            var authError = governance.Authenticate(context, out var virtualKey, enforce: !record.Entry.Playground);
            if (authError is not null)
            {
                await FailAsync(record, authError).ConfigureAwait(false);
                return;
            }

            record.VirtualKey = virtualKey;
            record.Content = ContentPolicy(virtualKey);
            if (record.Content != LogContentMode.Off)
            {
                var capture = new ResponseCaptureStream(context.Response.Body, ContentLogLimits.For(record.Content));
                context.Response.Body = capture;
                record.ResponseCapture = capture;
            }

            var (body, readError) = await RequestBodyReader.ReadAsync(context, config.Current.Client.MaxRequestBodyBytes).ConfigureAwait(false);
            if (readError is not null)
            {
                await FailAsync(record, readError).ConfigureAwait(false);
                return;
            }

            if (record.Content != LogContentMode.Off)
            {
                record.RequestBody = ContentLogLimits.Text(body!.WrittenSpan, ContentLogLimits.For(record.Content));
            }

            var translated = await record.Entry.Dialect.TranslateAsync(body!, context.RequestAborted).ConfigureAwait(false);
            if (translated.Error is not null)
            {
                body!.Dispose();
                await FailAsync(record, translated.Error).ConfigureAwait(false);
                return;
            }

            using (translated.Original)
            using (translated.State)
            using (translated.Body)
            {
                await RunCandidatesAsync(record, operation, virtualKey, translated).ConfigureAwait(false);
            }
        }
        catch (Exception) when (MarkCrashed(record))
        {
            throw; // never reached: the filter only notes the crash for the log and lets the error middleware answer
        }
        finally
        {
            telemetry.Complete(record);
        }
    }

    private async Task RunCandidatesAsync(RequestRecord record, InferenceOperation? operation, VirtualKey? virtualKey, DialectRequest translated)
    {
        var context = record.Http;
        var entry = record.Entry;
        var body = translated.Body!;
        if (!RequestSniffer.TrySniff(body.WrittenSpan, out var sniff, out var sniffError))
        {
            await FailAsync(record, GatewayError.BadRequest(sniffError!)).ConfigureAwait(false);
            return;
        }

        if (entry.PathModel is not null)
        {
            // The URL names the model (a Databricks serving endpoint); the body's model field, if any, is ignored.
            sniff.Model = entry.PathModel;
        }

        var resolvedOperation = operation
            ?? (sniff.HasMessages ? InferenceOperation.ChatCompletions
                : sniff.HasInput ? InferenceOperation.Embeddings
                : sniff.HasPrompt ? InferenceOperation.Completions
                : InferenceOperation.ChatCompletions);
        record.Operation = resolvedOperation;
        record.RequestedModel = sniff.Model;
        record.Stream = sniff.Stream && resolvedOperation != InferenceOperation.Embeddings;

        if (string.IsNullOrEmpty(sniff.Model))
        {
            await FailAsync(record, GatewayError.BadRequest("You must provide a model parameter.", "model", "missing_model")).ConfigureAwait(false);
            return;
        }

        // The requested model first, then the request's fallbacks in order. Each candidate is admitted on its own
        // (its own price and limits) and settled whatever happens; a fallback is tried only while nothing has
        // reached the client.
        var requested = sniff.Model;
        var rules = config.Current.RoutingRules;
        if (rules.Count > 0 && RoutingRules.Apply(rules, requested, virtualKey?.Id, virtualKey?.TeamId, context.Request.Headers, sniff.Metadata, Random.Shared, routes.Factor) is { } routed)
        {
            requested = routed.Target.Model;
            GatewayHeaders.SetSafe(context.Response.Headers, GatewayHeaders.RouteRule, routed.Rule.Name);
        }

        // The request's own fallbacks win; otherwise the virtual key's, otherwise the config's for this model.
        IReadOnlyList<string>? fallbacks = sniff.Fallbacks is { Count: > 0 } own ? own
            : virtualKey?.Fallbacks is { Count: > 0 } keyFallbacks ? keyFallbacks
            : config.Current.DefaultFallbacks.TryGetValue(sniff.Model, out var configured) ? configured
            : null;
        var candidates = fallbacks is null ? new List<string> { requested } : [requested, .. fallbacks];
        var request = new InferenceRequest(context, resolvedOperation, entry, sniff, body.WrittenMemory, translated.Original?.WrittenMemory ?? default,
            translated.State, virtualKey, record.RequestId, record.StartedAt) { RoutedModel = requested };
        if (stages.HasRequestStages && await stages.OnRequestAsync(request, context.RequestAborted).ConfigureAwait(false) is { } refused)
        {
            if (request.LoggedBody is { } refusedBody && record.RequestBody is not null)
            {
                record.RequestBody = refusedBody;
            }

            await FailAsync(record, refused).ConfigureAwait(false);
            return;
        }

        record.CacheStatus = request.CacheStatus;
        if (request.Served is { } served && await TryServeAsync(record, request, served).ConfigureAwait(false))
        {
            return;
        }

        if (request.RewrittenBody is { } rewritten)
        {
            request = request with { Body = rewritten, OriginalBody = default };
            translated = translated with { Original = null };
            if (record.RequestBody is not null && request.LoggedBody is { } logged)
            {
                record.RequestBody = ContentLogLimits.Text(System.Text.Encoding.UTF8.GetBytes(logged), ContentLogLimits.For(record.Content));
            }
        }

        GatewayError? error = null;
        InferenceCall? last = null;
        for (var index = 0; index < candidates.Count; index++)
        {
            context.Response.Headers[GatewayHeaders.FallbackUsed] = index > 0 ? "true" : "false";
            var (call, candidateError) = await TryCandidateAsync(request, translated, candidates[index]).ConfigureAwait(false);
            record.Fallbacks = index;
            if (call is not null)
            {
                record.Add(call);
            }

            last = call ?? last;
            error = candidateError;
            if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested || !WorthAFallback(error))
            {
                break;
            }
        }

        if (error is not null && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            if (last is not null)
            {
                GatewayHeaders.SetRoute(context, last);
            }

            await FailAsync(record, error).ConfigureAwait(false);
        }

        if (last is not null)
        {
            GatewayLog.RequestCompleted(logger, record.RequestId, last.Provider.Name, last.Model, context.Response.StatusCode, last.Attempts,
                last.Usage.PromptTokens, last.Usage.CompletionTokens, Stopwatch.GetElapsedTime(record.StartedAt).TotalMilliseconds);
        }
    }

    /// <summary>Answers from a stage's store (a cache hit) when the answer stages let it through; false to go upstream.</summary>
    private async Task<bool> TryServeAsync(RequestRecord record, InferenceRequest request, StoredAnswer served)
    {
        var call = StoredAnswerReplay.CallFor(request, served, stages.Answer, time.GetUtcNow().ToUnixTimeSeconds());
        if (!StoredAnswerReplay.PassesStages(call, served))
        {
            record.CacheStatus = request.CacheStatus = "miss";
            request.Http.Response.Headers[GatewayHeaders.Cache] = "miss";
            return false;
        }

        record.Served = served;
        record.CostNano = request.ChargeServed ? served.CostNano : 0;
        await StoredAnswerReplay.WriteAsync(call, served, request.CacheStatus ?? "hit", record.Stream).ConfigureAwait(false);
        return true;
    }

    /// <summary>The virtual key's content logging, else the gateway's; <c>disable_content_logging</c> overrides both.</summary>
    private LogContentMode ContentPolicy(VirtualKey? key)
    {
        var client = config.Current.Client;
        return client.DisableContentLogging || !client.EnableLogging ? LogContentMode.Off : key?.LogContent ?? client.LogContent;
    }

    /// <summary>Routes, admits, forwards and settles one candidate model. The call is null when the model could not be routed.</summary>
    private async Task<(InferenceCall? Call, GatewayError? Error)> TryCandidateAsync(InferenceRequest request, DialectRequest translated, string model)
    {
        var entry = request.Entry;
        var routeSpan = GatewayTracing.StartStage(GatewayTracing.RouteStage);
        var routeError = router.TryResolve(model, out var provider, out var upstreamModel, entry.NativeProvider, request.VirtualKey?.ProviderConfigs)
            ?? provider.Client.CheckSupported(provider, request.Operation);
        GatewayTracing.EndStage(routeSpan, routeError);
        if (routeError is not null)
        {
            return (null, routeError);
        }

        var passthrough = entry.Dialect.PassthroughFor(provider, translated);
        var call = new InferenceCall
        {
            Http = request.Http,
            Operation = request.Operation,
            Dialect = entry.Dialect,
            DialectState = request.DialectState,
            OriginalBody = request.OriginalBody,
            RequestedModel = model,
            Body = request.Body,
            Sniff = request.Sniff,
            RequestId = request.RequestId,
            StartedAt = request.StartedAt,
            Created = time.GetUtcNow().ToUnixTimeSeconds(),
            Provider = provider,
            Model = upstreamModel,
            Client = passthrough ?? provider.Client,
            NativeDialect = passthrough is not null,
            Stages = request.Recorder is { } recorder ? stages.Answer.With(recorder) : stages.Answer,
        };
        if (entry.Dialect.CheckCandidate(call) is { } candidateError)
        {
            return (call, candidateError);
        }

        var admitSpan = GatewayTracing.StartStage(GatewayTracing.AdmitStage);
        (call.Error, var ticket) = await governance.AdmitAsync(call, request.VirtualKey).ConfigureAwait(false);
        GatewayTracing.EndStage(admitSpan, call.Error);
        if (call.Error is not null)
        {
            return (call, call.Error);
        }

        try
        {
            call.Error = await attempts.ForwardAsync(call).ConfigureAwait(false);
        }
        finally
        {
            // Always: a reservation, a rate-limit token or a concurrency slot must never leak.
            await governance.SettleAsync(ticket, call).ConfigureAwait(false);
        }

        return (call, call.Error);
    }

    /// <summary>Errors another model might not have: upstream failures, throttling, a key or model the upstream refused.</summary>
    private static bool WorthAFallback(GatewayError error) => error.Status is 401 or 403 or 404 or 408 or 429 or >= 500;
}
