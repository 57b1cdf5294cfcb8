using System.Diagnostics;
using System.Net.Http.Headers;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Observability;
using Tollgate.Providers;

namespace Tollgate.Pipeline;

/// <summary>
/// One HTTP exchange with the upstream: send the body with the key's secret, then either map the failure (status,
/// timeout, broken connection) to a <see cref="GatewayError"/>, or relay the answer to the client in its dialect
/// (JSON, rewritten if the dialect needs it; or the SSE stream through <see cref="StreamRelay"/>).
/// </summary>
internal sealed class UpstreamExchange(GovernanceStage governance, TimeProvider time) : IUpstreamExchange
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStreamAccept = new("text/event-stream");

    public async Task<AttemptOutcome> SendAsync(InferenceCall call, ProviderKeyConfig? key, string? secret, ReadOnlyMemory<byte> upstreamBody)
    {
        var aborted = call.Http.RequestAborted;
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
        call.Client.SignRequest(request, call, key, upstreamBody.Span);
        if (call.Sniff.Stream)
        {
            request.Headers.Accept.Add(EventStreamAccept);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(network.RequestTimeout);
        var sentAt = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await provider.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
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
                    using var errorBody = await ReadCappedAsync(response, MaxErrorBodyBytes, timeout.Token).ConfigureAwait(false);
                    call.UpstreamWaitTicks += Stopwatch.GetTimestamp() - sentAt;
                    var error = UpstreamErrorReader.Read(status, errorBody.WrittenSpan, provider.Name, RetryAfterSeconds(response.Headers.RetryAfter, time.GetUtcNow()));
                    return new AttemptOutcome(Redact(error, secret));
                }

                if (call.Sniff.Stream && call.Operation != InferenceOperation.Embeddings)
                {
                    await RelayStreamAsync(call, response, timeout, sentAt).ConfigureAwait(false);
                    return AttemptOutcome.Done;
                }

                using var responseBody = await ReadCappedAsync(response, int.MaxValue, timeout.Token).ConfigureAwait(false);
                call.UpstreamTicks = Stopwatch.GetTimestamp() - sentAt;
                call.UpstreamWaitTicks += call.UpstreamTicks;
                return await WriteJsonResponseAsync(call, responseBody).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
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

    private async Task<AttemptOutcome> WriteJsonResponseAsync(InferenceCall call, PooledBufferWriter upstreamBody)
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

            if (!call.Stages.IsEmpty && call.Stages.OnAnswer(call, payload.Span) is { } blocked)
            {
                // Usage stays: the upstream produced (and bills) the answer even though the client does not get it.
                return new AttemptOutcome(blocked);
            }

            var dialect = call.Dialect;
            if (dialect.TranslatesAnswer && !call.NativeDialect)
            {
                var answer = new PooledBufferWriter(payload.Length + 1024);
                dialect.WriteAnswer(call, payload.Span, answer);
                await dialect.AnsweredAsync(call, payload).ConfigureAwait(false);
                transformed?.Dispose();
                transformed = answer;
                payload = answer.WrittenMemory;
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
            return AttemptOutcome.Done;
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
        var sink = call.NativeDialect ? null : call.Dialect.CreateStreamSink(call);
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
            Native = call.NativeDialect ? call.Dialect : null,
            Sink = sink,
            Stages = call.Stages,
            Call = call,
        };
        var outcome = await StreamRelay.RunAsync(context, stream, call.Client.CreateStreamTranslator(call), options, timeout, call.Client.CreateEventReader(stream)).ConfigureAwait(false);
        call.Usage = outcome.Usage;
        call.StreamContentChunks = outcome.ContentChunks;
        call.FirstByteAt = outcome.FirstEventAt;
        call.UpstreamWaitTicks += Stopwatch.GetTimestamp() - sentAt;
        if (sink is not null && outcome.Error is null && !outcome.ClientGone)
        {
            await call.Dialect.StreamedAsync(call, sink).ConfigureAwait(false);
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

    /// <summary>Seconds to wait from a Retry-After header (delta or date, the date read against <paramref name="now"/>).</summary>
    public static int? RetryAfterSeconds(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (retryAfter?.Delta is { } delta)
        {
            return (int)Math.Ceiling(delta.TotalSeconds);
        }

        if (retryAfter?.Date is { } date)
        {
            return Math.Max(0, (int)Math.Ceiling((date - now).TotalSeconds));
        }

        return null;
    }

    /// <summary>Upstream messages sometimes echo the key they rejected; never pass it on.</summary>
    private static GatewayError Redact(GatewayError error, string? secret) =>
        !string.IsNullOrEmpty(secret) && secret.Length >= 8 && error.Message.Contains(secret, StringComparison.Ordinal)
            ? error with { Message = error.Message.Replace(secret, SecretMask.Mask(secret), StringComparison.Ordinal) }
            : error;

    public static string Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.ConnectionError => "connection refused or reset",
        HttpRequestError.NameResolutionError => "host name could not be resolved",
        HttpRequestError.SecureConnectionError => "TLS handshake failed",
        _ => ex.InnerException?.Message ?? ex.Message,
    };
}
