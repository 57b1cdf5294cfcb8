using System.Text.Json;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Tollgate.Api;
using Tollgate.Configuration;
using Tollgate.Observability;
using Tollgate.Observability.RequestLogs;
using Tollgate.Observability.Tracing;
using Tollgate.Providers;
using Tollgate.Routing;
using Tollgate.Streaming;

namespace Tollgate.Pipeline;

/// <summary>
/// The inference pipeline, in the order it runs:
/// <code>
///   authenticate virtual key (headers) → read body (limit) → sniff model/stream → resolve provider/model
///        → admit (model allowed, concurrency, rate limits, budget reservation) → build upstream body once
///        → attempt loop: pick key → model limits → credential → send → success? relay (stream) or copy/translate (JSON)
///                        └ failure → map error; refresh OAuth once on 401; rotate key on 401/403/429;
///                                    back off (jitter, Retry-After) on 429/5xx/timeouts, up to max_retries
///        → last error, OpenAI-shaped, with the upstream's status
///   settle (always): real cost replaces the reservation, usage recorded
/// </code>
/// </summary>
internal sealed class InferenceExecutor(
    ModelRouter router,
    RouteHealthRegistry routes,
    Storage.IGatewayStore store,
    GatewayConfigMonitor config,
    GovernanceStage governance,
    RequestTelemetry telemetry,
    TimeProvider time,
    ILogger<InferenceExecutor> logger)
{
    /// <summary>Longest Retry-After the gateway waits out itself; beyond it the client gets the 429 and decides.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    private const int MaxErrorBodyBytes = 64 * 1024;

    public Task ExecuteAsync(HttpContext context, InferenceOperation operation) => ExecuteAsync(context, operation, EntryPoint.OpenAI);

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
        return ErrorResponses.WriteAsync(record.Http, error);
    }

    private async Task RunAsync(RequestRecord record, InferenceOperation? operation)
    {
        var context = record.Http;
        var entry = record.Entry;
        try
        {
            var dialect = entry.Dialect;
            var startedAt = record.StartedAt;
            var requestId = GatewayHeaders.EnsureRequestId(context);
            record.RequestId = requestId;
            var authError = governance.Authenticate(context, out var virtualKey, enforce: !entry.Playground);
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

            ResponsesState? responses = null;
            PooledBufferWriter? original = null;
            if (dialect == ClientDialect.Responses)
            {
                // Translate the Responses request (with any stored conversation it continues) into a chat request; the
                // original stays for a passthrough to OpenAI.
                var (translated, translateError, state) = TranslateResponsesRequest(body!);
                if (translateError is not null)
                {
                    body!.Dispose();
                    await FailAsync(record, translateError).ConfigureAwait(false);
                    return;
                }

                original = body;
                body = translated;
                responses = state;
            }

            if (dialect == ClientDialect.Anthropic)
            {
                // Translate the Messages request into the OpenAI dialect the pipeline runs in; answers are translated back.
                // The original stays for a passthrough to an Anthropic provider.
                var (translated, translateError) = TranslateAnthropicRequest(body!);
                if (translateError is not null)
                {
                    body!.Dispose();
                    await FailAsync(record, translateError).ConfigureAwait(false);
                    return;
                }

                original = body;
                body = translated;
            }

            using (original)
            using (responses)
            using (body)
            {
                if (!RequestSniffer.TrySniff(body!.WrittenSpan, out var sniff, out var sniffError))
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
                var request = new InferenceRequest(context, resolvedOperation, entry, sniff, body.WrittenMemory, original?.WrittenMemory ?? default,
                    responses, virtualKey, requestId, startedAt);
                GatewayError? error = null;
                InferenceCall? last = null;
                for (var index = 0; index < candidates.Count; index++)
                {
                    context.Response.Headers[GatewayHeaders.FallbackUsed] = index > 0 ? "true" : "false";
                    var (call, candidateError) = await TryCandidateAsync(request, candidates[index]).ConfigureAwait(false);
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
                    GatewayLog.RequestCompleted(logger, requestId, last.Provider.Name, last.Model, context.Response.StatusCode, last.Attempts,
                        last.Usage.PromptTokens, last.Usage.CompletionTokens, Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);
                }
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

    /// <summary>The virtual key's content logging, else the gateway's; <c>disable_content_logging</c> overrides both.</summary>
    private LogContentMode ContentPolicy(Governance.Model.VirtualKey? key)
    {
        var client = config.Current.Client;
        return client.DisableContentLogging || !client.EnableLogging ? LogContentMode.Off : key?.LogContent ?? client.LogContent;
    }

    /// <summary>Routes, admits, forwards and settles one candidate model. The call is null when the model could not be routed.</summary>
    private async Task<(InferenceCall? Call, GatewayError? Error)> TryCandidateAsync(InferenceRequest request, string model)
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

        var call = new InferenceCall
        {
            Http = request.Http,
            Operation = request.Operation,
            Dialect = entry.Dialect,
            Responses = request.Responses,
            OriginalBody = request.OriginalBody,
            RequestedModel = model,
            Body = request.Body,
            Sniff = request.Sniff,
            RequestId = request.RequestId,
            StartedAt = request.StartedAt,
            Provider = provider,
            Model = upstreamModel,
        };
        if (entry.Dialect == ClientDialect.Anthropic && provider.Traits.Family == ProviderFamily.Anthropic && !request.OriginalBody.IsEmpty)
        {
            call.Client = Providers.Anthropic.AnthropicPassthroughClient.Instance;
            call.NativeDialect = true;
        }
        else if (entry.Dialect == ClientDialect.Responses && provider.Traits.Kind == Configuration.ProviderKind.OpenAI && !provider.Config.Custom
            && !request.OriginalBody.IsEmpty)
        {
            // OpenAI serves the Responses API itself: pass it through so its own features and stored conversations work.
            call.Client = Providers.OpenAICompatible.OpenAIResponsesPassthroughClient.Instance;
            call.NativeDialect = true;
        }
        else if (request.Responses is { PreviousMissing: true })
        {
            return (call, GatewayError.BadRequest($"Previous response with id '{request.Responses.PreviousResponseId}' not found.", "previous_response_id"));
        }
        else
        {
            call.Client = provider.Client;
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
            call.Error = await ForwardAsync(call).ConfigureAwait(false);
        }
        finally
        {
            // Always: a reservation, a rate-limit token or a concurrency slot must never leak.
            await governance.SettleAsync(ticket, call).ConfigureAwait(false);
        }

        return (call, call.Error);
    }

    private (PooledBufferWriter? Body, GatewayError? Error, ResponsesState? State) TranslateResponsesRequest(PooledBufferWriter body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.WrittenMemory.ToArray());
        }
        catch (JsonException)
        {
            return (null, GatewayError.BadRequest("The request body is not valid JSON."), null);
        }

        var translated = new PooledBufferWriter(body.WrittenCount + 1024);
        string? previousId;
        try
        {
            previousId = Api.Responses.ResponsesInboundRequest.ReadPreviousResponseId(document.RootElement);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            translated.Dispose();
            document.Dispose();
            return (null, GatewayError.BadRequest("'previous_response_id' is not valid Unicode text.", "previous_response_id"), null);
        }

        var previous = previousId is null ? null : store.LoadResponse(previousId, time.GetUtcNow());

        // An id Tollgate did not store may belong to OpenAI (a passthrough); whether that is an error is decided per
        // candidate provider, so translate as a fresh conversation for now.
        var previousMissing = previousId is not null && previous is null;
        if (previousMissing)
        {
            previous = "[]";
        }
        Api.Responses.ResponsesError? error;
        Api.Responses.ResponsesRequestInfo info;
        try
        {
            using var writer = new Utf8JsonWriter(translated, JsonOutput.WriterOptions);
            error = Api.Responses.ResponsesInboundRequest.WriteChatRequest(document.RootElement, previous, writer, out info);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            translated.Dispose();
            document.Dispose();
            return (null, MalformedInput.Error(ex), null);
        }

        if (error is not null)
        {
            translated.Dispose();
            document.Dispose();
            return (null, GatewayError.BadRequest(error.Message, error.Param), null);
        }

        var chatJson = System.Text.Encoding.UTF8.GetString(translated.WrittenSpan);
        return (translated, null, new ResponsesState(document, Api.Responses.ResponsesIds.NewResponseId(), info.Store, chatJson)
        {
            PreviousResponseId = previousId,
            PreviousMissing = previousMissing,
        });
    }

    private void StoreConversation(InferenceCall call, string conversationJson)
    {
        var retentionDays = config.Current.Client.ResponseRetentionDays;
        if (call.Responses is { Store: true } state && retentionDays > 0)
        {
            store.SaveResponse(state.ResponseId, conversationJson, time.GetUtcNow().AddDays(retentionDays));
        }
    }

    private static (PooledBufferWriter? Body, GatewayError? Error) TranslateAnthropicRequest(PooledBufferWriter body)
    {
        var translated = new PooledBufferWriter(body.WrittenCount + 512);
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body.WrittenMemory);
            using var writer = new System.Text.Json.Utf8JsonWriter(translated, JsonOutput.WriterOptions);
            var error = Api.Anthropic.AnthropicInboundRequest.WriteChatRequest(document.RootElement, writer, out _);
            writer.Flush();
            if (error is not null)
            {
                translated.Dispose();
                return (null, GatewayError.BadRequest(error.Message, error.Param));
            }

            return (translated, null);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            translated.Dispose();
            return (null, MalformedInput.Error(ex));
        }
    }

    /// <summary>Errors another model might not have: upstream failures, throttling, a key or model the upstream refused.</summary>
    private static bool WorthAFallback(GatewayError error) => error.Status is 401 or 403 or 404 or 408 or 429 or >= 500;

    /// <summary>Builds the upstream body and runs the attempt loop; the error, if any, is returned for the caller to write.</summary>
    private async Task<GatewayError?> ForwardAsync(InferenceCall call)
    {
        using var upstreamBody = new PooledBufferWriter(call.Body.Length + 256);
        GatewayError? bodyError;
        try
        {
            bodyError = call.Client.WriteBody(call, upstreamBody);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            bodyError = MalformedInput.Error(ex);
        }

        return bodyError ?? await SendAsync(call, upstreamBody.WrittenMemory).ConfigureAwait(false);
    }

    /// <summary>Runs the attempt loop. Returns null once a response went to the client, else the error to send.</summary>
    private async Task<GatewayError?> SendAsync(InferenceCall call, ReadOnlyMemory<byte> upstreamBody)
    {
        var context = call.Http;
        var provider = call.Provider;
        var network = provider.Config.Network;
        GatewayError? lastError = null;
        ulong excludedKeys = 0;
        var refreshedCredential = false;
        var retries = 0;

        while (true)
        {
            var now = time.GetUtcNow();
            if (!KeySelector.TrySelect(provider, call.Model, excludedKeys, now, out var key))
            {
                return lastError ?? NoKeyError(provider, call.Model, now);
            }

            var keyIndex = KeySelector.IndexOf(provider, key);
            var keyBit = KeySelector.Bit(keyIndex);
            var (limitError, keyScoped) = await governance.TakeModelLimitsAsync(call, key).ConfigureAwait(false);
            if (limitError is not null)
            {
                lastError = limitError;
                if (!keyScoped)
                {
                    return lastError;
                }

                // This key is at its own limit; another key of the provider may still have room.
                excludedKeys |= keyBit;
                continue;
            }

            var health = provider.Health[keyIndex];
            if (!health.TryAcquire(now, out var probe))
            {
                // Lost a race for the last half-open probe slot: try another key.
                excludedKeys |= keyBit;
                continue;
            }

            call.Key = key;
            call.Health = health;
            call.Attempts++;
            var credential = provider.CredentialFor(key);
            string? secret;
            try
            {
                secret = await credential.GetAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (CredentialException ex)
            {
                health.Completed(success: false, probe, TimeSpan.Zero, now);
                lastError = new GatewayError(StatusCodes.Status502BadGateway, ex.Message, ErrorTypes.Upstream, "upstream_credential_error");
                excludedKeys |= keyBit;
                continue;
            }
            catch (HttpRequestException ex)
            {
                health.Completed(success: false, probe, TimeSpan.Zero, now);
                lastError = GatewayError.UpstreamUnreachable(provider.Name, Describe(ex));
                excludedKeys |= keyBit;
                continue;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                health.Abandoned(probe);
                return null;
            }

            var attemptStarted = Stopwatch.GetTimestamp();
            var attemptSpan = GatewayTracing.StartAttempt(call);
            var outcome = await AttemptAsync(call, key, secret, upstreamBody).ConfigureAwait(false);
            GatewayTracing.EndAttempt(attemptSpan, call, outcome.Error);
            var keyFailed = outcome.Error is { } failure && IsKeyFailure(failure.Status);
            var latency = outcome.Error is null && call.UpstreamTicks > 0
                ? Stopwatch.GetElapsedTime(0, call.UpstreamTicks)
                : Stopwatch.GetElapsedTime(attemptStarted);
            var throttled = outcome.Error?.Status == StatusCodes.Status429TooManyRequests;
            health.Completed(!keyFailed, probe, latency, time.GetUtcNow(), throttled);
            var route = routes.For(provider.Name, call.Model);
            if (route.TryAcquire(now, out var routeProbe))
            {
                route.Completed(!keyFailed, routeProbe, latency, time.GetUtcNow(), throttled);
            }
            if (outcome.Error is null)
            {
                return null;
            }

            lastError = outcome.Error;
            var status = lastError.Status;
            if (status == StatusCodes.Status401Unauthorized && credential.CanRefresh && !refreshedCredential && secret is not null)
            {
                // An OAuth token can be revoked or expire early: refresh it once and retry at once.
                credential.Invalidate(secret);
                refreshedCredential = true;
                continue;
            }

            if (status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
            {
                // This key is bad for this request; another key may be fine.
                excludedKeys |= keyBit;
                continue;
            }

            if (!lastError.Retryable || retries >= network.MaxRetries)
            {
                return lastError;
            }

            retries++;
            if (KeySelector.TrySelect(provider, call.Model, excludedKeys | keyBit, time.GetUtcNow(), out _))
            {
                // Another key may not share this one's trouble (rate limit, bad deployment): rotate before backing off.
                excludedKeys |= keyBit;
                continue;
            }

            var delay = Backoff(network, retries, lastError.RetryAfterSeconds);
            if (delay is null)
            {
                return lastError;
            }

            try
            {
                await Task.Delay(delay.Value, time, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>Failures that say something about the key or upstream (not about the request): they feed its health.</summary>
    private static bool IsKeyFailure(int status) => status is 401 or 403 or 408 or 429 or >= 500;

    /// <summary>No key to try: either none allows the model, or every one that does is cooling down.</summary>
    private static GatewayError NoKeyError(ProviderRuntime provider, string model, DateTimeOffset now)
    {
        DateTimeOffset? reopens = null;
        var keys = provider.Config.Keys;
        for (var i = 0; i < provider.Health.Length; i++)
        {
            if ((keys.Count == 0 || KeySelector.AllowsModel(keys[i], model)) && provider.Health[i].OpenUntil is { } until)
            {
                reopens = reopens is null || until < reopens ? until : reopens;
            }
        }

        return reopens is { } at
            ? new GatewayError(StatusCodes.Status503ServiceUnavailable,
                $"Every key of provider '{provider.Name}' that serves '{model}' is failing and cooling down (circuit open).", ErrorTypes.Upstream, "circuit_open")
            {
                RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling((at - now).TotalSeconds)),
                Retryable = true,
            }
            : GatewayError.ModelNotFound($"No key of provider '{provider.Name}' is allowed to serve model '{model}'.");
    }

    private async Task<AttemptOutcome> AttemptAsync(InferenceCall call, ProviderKeyConfig? key, string? secret, ReadOnlyMemory<byte> upstreamBody)
    {
        var context = call.Http;
        var provider = call.Provider;
        var network = provider.Config.Network;
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Client.BuildUri(call, key))
        {
            Content = new ReadOnlyMemoryContent(upstreamBody),
        };
        request.Content.Headers.ContentType = JsonContentType;
        foreach (var (name, value) in network.ExtraHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        call.Client.ApplyAuth(request, provider, secret);
        call.Client.ApplyClientHeaders(request, call);
        if (call.Sniff.Stream)
        {
            request.Headers.Accept.Add(EventStreamAccept);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(network.RequestTimeout);
        var sentAt = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await provider.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return AttemptOutcome.Done;
        }
        catch (OperationCanceledException)
        {
            call.UpstreamWaitTicks += Stopwatch.GetTimestamp() - sentAt;
            return new AttemptOutcome(GatewayError.UpstreamTimeout(provider.Name, network.RequestTimeout));
        }
        catch (HttpRequestException ex)
        {
            call.UpstreamWaitTicks += Stopwatch.GetTimestamp() - sentAt;
            return new AttemptOutcome(GatewayError.UpstreamUnreachable(provider.Name, Describe(ex)));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            try
            {
                if (status is < 200 or >= 300)
                {
                    var errorBody = await ReadCappedAsync(response, MaxErrorBodyBytes, timeout.Token).ConfigureAwait(false);
                    call.UpstreamWaitTicks += Stopwatch.GetTimestamp() - sentAt;
                    using (errorBody)
                    {
                        var error = UpstreamErrorReader.Read(status, errorBody.WrittenSpan, provider.Name, RetryAfterSeconds(response));
                        return new AttemptOutcome(Redact(error, secret));
                    }
                }

                if (call.Sniff.Stream && call.Operation != InferenceOperation.Embeddings)
                {
                    await RelayStreamAsync(call, response, timeout, sentAt).ConfigureAwait(false);
                    return AttemptOutcome.Done;
                }

                using var responseBody = await ReadCappedAsync(response, int.MaxValue, timeout.Token).ConfigureAwait(false);
                call.UpstreamTicks = Stopwatch.GetTimestamp() - sentAt;
                call.UpstreamWaitTicks += call.UpstreamTicks;
                await WriteJsonResponseAsync(call, responseBody).ConfigureAwait(false);
                return AttemptOutcome.Done;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return AttemptOutcome.Done;
            }
            catch (OperationCanceledException)
            {
                return new AttemptOutcome(GatewayError.UpstreamTimeout(provider.Name, network.RequestTimeout));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return new AttemptOutcome(GatewayError.UpstreamUnreachable(provider.Name, "the connection broke while reading the response"));
            }
        }
    }

    private async Task WriteJsonResponseAsync(InferenceCall call, PooledBufferWriter upstreamBody)
    {
        var context = call.Http;
        var client = call.Client;
        PooledBufferWriter? transformed = null;
        try
        {
            ReadOnlyMemory<byte> payload;
            if (client.TransformsResponse(call))
            {
                transformed = new PooledBufferWriter(upstreamBody.WrittenCount + 512);
                call.Usage = client.WriteResponse(call, upstreamBody.WrittenSpan, transformed);
                payload = transformed.WrittenMemory;
            }
            else
            {
                call.Usage = UsageReader.TryRead(upstreamBody.WrittenSpan, out var usage, out _) ? usage : default;
                if (call.Usage.IsEmpty && call.Operation != InferenceOperation.Embeddings)
                {
                    // The upstream reported no usage: estimate it now, while the answer's text is at hand.
                    governance.EstimateMissingUsage(call, upstreamBody.WrittenSpan);
                }

                payload = upstreamBody.WrittenMemory;
            }

            if (call.Responses is { } responsesState && !call.NativeDialect)
            {
                var responsesBody = new PooledBufferWriter(payload.Length + 1024);
                using (var writer = new Utf8JsonWriter(responsesBody, JsonOutput.WriterOptions))
                {
                    Api.Responses.ResponsesInboundResponse.WriteResponse(payload.Span, responsesState.ResponseId, call.RequestedModel, responsesState.Request, writer);
                }

                StoreConversation(call, Api.Responses.ResponsesInboundResponse.ConversationAfter(responsesState.ChatRequestJson, payload.Span));
                transformed?.Dispose();
                transformed = responsesBody;
                payload = responsesBody.WrittenMemory;
            }

            if (call.Dialect == ClientDialect.Anthropic && !call.NativeDialect)
            {
                var anthropic = new PooledBufferWriter(payload.Length + 256);
                using (var writer = new System.Text.Json.Utf8JsonWriter(anthropic, JsonOutput.WriterOptions))
                {
                    Api.Anthropic.AnthropicInboundResponse.WriteMessage(payload.Span, call.RequestedModel, writer);
                }

                transformed?.Dispose();
                transformed = anthropic;
                payload = anthropic.WrittenMemory;
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.ContentLength = payload.Length;
            call.Succeeded = true;
            GatewayHeaders.SetRoute(context, call);
            GatewayHeaders.SetCost(context, call);
            GatewayHeaders.SetOverhead(context, call);
            await response.Body.WriteAsync(payload, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            transformed?.Dispose();
        }
    }

    private async Task RelayStreamAsync(InferenceCall call, HttpResponseMessage upstream, CancellationTokenSource timeout, long sentAt)
    {
        var context = call.Http;
        var response = context.Response;
        call.UpstreamTicks = Stopwatch.GetTimestamp() - sentAt;
        response.StatusCode = StatusCodes.Status200OK;
        call.Succeeded = true;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        GatewayHeaders.SetRoute(context, call);
        GatewayHeaders.SetOverhead(context, call);
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);

        var stream = await upstream.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        var options = new StreamRelayOptions(
            call.Provider.Name,
            call.Provider.Config.Network.StreamIdleTimeout,
            call.Sniff.IncludeUsage,
            call.Operation == InferenceOperation.Completions ? "text_completion" : "chat.completion.chunk",
            "chatcmpl-" + call.RequestId,
            call.Created,
            call.Model)
        {
            Health = call.Health,
            SentAt = sentAt,
            TotalTimeout = call.Provider.Config.Network.StreamTotalTimeout,
            Native = call.NativeDialect,
            NativeDialect = call.Dialect,
            Dialect = call.NativeDialect ? null : call.Dialect switch
            {
                ClientDialect.Anthropic => new AnthropicDialectStream(new Api.Anthropic.AnthropicInboundStream(call.RequestedModel)),
                ClientDialect.Responses => new ResponsesDialectStream(new Api.Responses.ResponsesInboundStream(call.Responses!.ResponseId, call.RequestedModel, call.Responses.Request, time)),
                _ => null,
            },
        };
        var outcome = await StreamRelay.RunAsync(context, stream, call.Client.CreateStreamTranslator(call), options, timeout).ConfigureAwait(false);
        call.Usage = outcome.Usage;
        call.StreamContentChunks = outcome.ContentChunks;
        call.FirstByteAt = outcome.FirstEventAt;
        call.UpstreamWaitTicks += Stopwatch.GetTimestamp() - sentAt;
        if (options.Dialect is ResponsesDialectStream responsesStream && outcome.Error is null && !outcome.ClientGone)
        {
            StoreConversation(call, responsesStream.Inner.ConversationAfter(call.Responses!.ChatRequestJson));
        }
    }

    private static async Task<PooledBufferWriter> ReadCappedAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        var length = response.Content.Headers.ContentLength;
        var buffer = new PooledBufferWriter(length is > 0 and < 1 << 24 ? (int)length.Value : 8192);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (buffer.WrittenCount < maxBytes)
            {
                var memory = buffer.GetMemory(4096);
                var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(Math.Min(read, maxBytes - buffer.WrittenCount));
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Exponential backoff with full jitter on the upper half; a Retry-After beyond the cap means "do not wait".</summary>
    private static TimeSpan? Backoff(NetworkConfig network, int retry, int? retryAfterSeconds)
    {
        if (retryAfterSeconds is { } seconds)
        {
            var retryAfter = TimeSpan.FromSeconds(seconds);
            return retryAfter <= MaxRetryAfter ? retryAfter : null;
        }

        var exponential = network.RetryBackoffInitial.TotalMilliseconds * Math.Pow(2, retry - 1);
        var capped = Math.Min(exponential, network.RetryBackoffMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static int? RetryAfterSeconds(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return (int)Math.Ceiling(delta.TotalSeconds);
        }

        if (retryAfter?.Date is { } date)
        {
            return Math.Max(0, (int)Math.Ceiling((date - DateTimeOffset.UtcNow).TotalSeconds));
        }

        return null;
    }

    /// <summary>Upstream messages sometimes echo the key they rejected; never pass it on.</summary>
    private static GatewayError Redact(GatewayError error, string? secret) =>
        !string.IsNullOrEmpty(secret) && secret.Length >= 8 && error.Message.Contains(secret, StringComparison.Ordinal)
            ? error with { Message = error.Message.Replace(secret, SecretMask.Mask(secret), StringComparison.Ordinal) }
            : error;

    private static string Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.ConnectionError => "connection refused or reset",
        HttpRequestError.NameResolutionError => "host name could not be resolved",
        HttpRequestError.SecureConnectionError => "TLS handshake failed",
        _ => ex.InnerException?.Message ?? ex.Message,
    };

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStreamAccept = new("text/event-stream");

    private readonly record struct AttemptOutcome(GatewayError? Error)
    {
        public static AttemptOutcome Done => default;
    }
}
