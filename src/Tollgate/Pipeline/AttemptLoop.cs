using System.Diagnostics;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Routing;

namespace Tollgate.Pipeline;

/// <summary>
/// Tries one candidate model's provider until an answer reaches the client or nothing is left to try:
/// <code>
///   pick key (weights, health, exclusions) → model limits → half-open probe slot → credential → exchange
///     success ─► done
///     401 and the credential refreshes (OAuth) ─► invalidate once, same key again at once
///     401/403 ─► exclude the key, next key
///     retryable (429, 5xx, timeout) and retries left ─► another key if one is free, else back off
///         (exponential, full jitter on the upper half; Retry-After honoured up to <see cref="MaxRetryAfter"/>)
///     otherwise ─► the error, for the caller to write
/// </code>
/// </summary>
internal sealed class AttemptLoop(IUpstreamExchange exchange, RouteHealthRegistry routes, ModelLimitCheck modelLimits, TimeProvider time)
{
    /// <summary>Longest Retry-After the gateway waits out itself; beyond it the client gets the 429 and decides.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>Builds the upstream body once (keys never change it) and runs the loop.</summary>
    public async Task<GatewayError?> ForwardAsync(InferenceCall call)
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

        return bodyError ?? await RunAsync(call, upstreamBody.WrittenMemory).ConfigureAwait(false);
    }

    /// <summary>Runs the attempt loop. Returns null once a response went to the client, else the error to send.</summary>
    public async Task<GatewayError?> RunAsync(InferenceCall call, ReadOnlyMemory<byte> upstreamBody)
    {
        var aborted = call.Http.RequestAborted;
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
            var (limitError, keyScoped) = await modelLimits(call, key).ConfigureAwait(false);
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
                secret = await credential.GetAsync(aborted).ConfigureAwait(false);
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
                lastError = GatewayError.UpstreamUnreachable(provider.Name, UpstreamExchange.Describe(ex));
                excludedKeys |= keyBit;
                continue;
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                health.Abandoned(probe);
                return null;
            }

            var attemptStarted = Stopwatch.GetTimestamp();
            var attemptSpan = AttemptTracing.StartAttempt(call);
            var outcome = await exchange.SendAsync(call, key, secret, upstreamBody).ConfigureAwait(false);
            AttemptTracing.EndAttempt(attemptSpan, call, outcome.Error);
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
                await Task.Delay(delay.Value, time, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>Exponential backoff with full jitter on the upper half; a Retry-After beyond the cap means "do not wait".</summary>
    public static TimeSpan? Backoff(NetworkConfig network, int retry, int? retryAfterSeconds)
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
}
