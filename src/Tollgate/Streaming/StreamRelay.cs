using System.Buffers;
using Tollgate.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Streaming;

/// <summary>
/// Relays one upstream SSE body to the client event by event, flushing after each, with an idle timeout reset on every
/// read. Whatever happens upstream, the client's stream ends with an optional error event, the usage chunk it asked for,
/// and <c>data: [DONE]</c>.
/// </summary>
internal static class StreamRelay
{
    /// <summary>Feeds each OpenAI frame (<c>data: {...}\n\n</c>) the translator wrote to the dialect stream, then clears the scratch.</summary>
    private static void ToDialect(PooledBufferWriter scratch, IDialectStream dialect, IBufferWriter<byte> client)
    {
        var frames = scratch.WrittenSpan;
        while (frames.Length > 0)
        {
            var end = frames.IndexOf(SseFrames.EventEnd);
            var frame = end < 0 ? frames : frames[..end];
            if (frame.StartsWith(SseFrames.DataPrefix))
            {
                dialect.OnChunk(frame[SseFrames.DataPrefix.Length..], client);
            }

            frames = end < 0 ? default : frames[(end + SseFrames.EventEnd.Length)..];
        }

        scratch.Clear();
    }

    /// <summary>A mid-stream failure in the upstream's own dialect, as its SDKs expect, for passthrough streams.</summary>
    private static void WriteNativeError(ClientDialect dialect, GatewayError failure, IBufferWriter<byte> output)
    {
        output.Write("event: error\n"u8);
        output.Write(SseFrames.DataPrefix);
        using (var writer = new System.Text.Json.Utf8JsonWriter(output, Api.JsonOutput.WriterOptions))
        {
            if (dialect == ClientDialect.Anthropic)
            {
                Api.Anthropic.AnthropicInboundResponse.WriteError(failure.Status, failure.Message, writer);
            }
            else
            {
                // The Responses API's error event.
                writer.WriteStartObject();
                writer.WriteString("type", "error");
                writer.WriteString("code", failure.Code ?? failure.Type);
                writer.WriteString("message", failure.Message);
                writer.WriteNull("param");
                writer.WriteEndObject();
            }
        }

        output.Write(SseFrames.EventEnd);
    }

    public static async Task<StreamOutcome> RunAsync(
        HttpContext context,
        Stream upstream,
        IStreamTranslator translator,
        StreamRelayOptions options,
        CancellationTokenSource attemptTimeout)
    {
        var client = context.Response.BodyWriter;
        var dialect = options.Dialect;
        using var scratch = dialect is null ? null : new PooledBufferWriter(4096);
        IBufferWriter<byte> output = scratch is null ? client : scratch;
        var clientAborted = context.RequestAborted;
        GatewayError? failure = null;
        var firstEvent = true;
        long firstEventAt = 0;

        // Which limit the current wait ends at decides the message: timers may fire a hair early, so the clock
        // cannot tell afterwards.
        var waitIsTotal = false;
        using var reader = new SseReader(upstream);
        try
        {
            while (true)
            {
                var wait = options.IdleTimeout;
                if (options.TotalTimeout is { } total)
                {
                    var remaining = total - System.Diagnostics.Stopwatch.GetElapsedTime(options.SentAt);
                    waitIsTotal = remaining < wait;
                    if (remaining <= TimeSpan.Zero)
                    {
                        throw new OperationCanceledException();
                    }

                    wait = waitIsTotal ? remaining : wait;
                }

                attemptTimeout.CancelAfter(wait);
                if (!await reader.ReadAsync(attemptTimeout.Token).ConfigureAwait(false))
                {
                    break;
                }

                if (firstEvent)
                {
                    firstEvent = false;
                    firstEventAt = System.Diagnostics.Stopwatch.GetTimestamp();
                    options.Health?.FirstToken(System.Diagnostics.Stopwatch.GetElapsedTime(options.SentAt, firstEventAt));
                }

                translator.OnEvent(reader.EventName, reader.Data, output);
                if (scratch is not null)
                {
                    ToDialect(scratch, dialect!, client);
                }

                if (translator.Error is not null)
                {
                    break;
                }

                if (client.UnflushedBytes > 0)
                {
                    var flush = await client.FlushAsync(clientAborted).ConfigureAwait(false);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        return new StreamOutcome(translator.Usage, translator.Completed, null, ClientGone: true) { ContentChunks = translator.ContentChunks, FirstEventAt = firstEventAt };
                    }
                }

                if (translator.Completed)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new StreamOutcome(translator.Usage, translator.Completed, null, ClientGone: true) { ContentChunks = translator.ContentChunks, FirstEventAt = firstEventAt };
        }
        catch (OperationCanceledException)
        {
            failure = new GatewayError(StatusCodes.Status504GatewayTimeout,
                waitIsTotal
                    ? $"The stream from upstream provider '{options.Provider}' exceeded its total time of {options.TotalTimeout!.Value.TotalSeconds:0.###} s; it was cut."
                    : $"Upstream provider '{options.Provider}' sent nothing for {options.IdleTimeout.TotalSeconds:0.###} s; the stream was cut.",
                ErrorTypes.Upstream, "upstream_timeout");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
        {
            failure = new GatewayError(StatusCodes.Status502BadGateway,
                $"The stream from upstream provider '{options.Provider}' broke off before it was complete.",
                ErrorTypes.Upstream, "upstream_stream_interrupted");
        }

        failure ??= translator.Error;
        if (dialect is not null)
        {
            if (failure is not null)
            {
                dialect.Fail(failure, client);
            }
            else
            {
                if (!translator.UsageChunkWritten && !translator.Usage.IsEmpty)
                {
                    // Other dialects carry usage in their closing events: hand them the usage the upstream reported.
                    var identity = translator.Identity ?? ChunkIdentity.Create(options.FallbackId, options.Created, options.Model);
                    SseFrames.WriteUsageChunk(identity, options.ChunkObject, translator.Usage, scratch!);
                    ToDialect(scratch!, dialect, client);
                }

                dialect.Complete(client);
            }
        }
        else if (options.Native)
        {
            if (failure is not null)
            {
                WriteNativeError(options.NativeDialect, failure, output);
            }
        }
        else if (failure is not null)
        {
            SseFrames.WriteError(failure, output);
        }
        else if (options.ClientWantsUsage && !translator.UsageChunkWritten)
        {
            var identity = translator.Identity ?? ChunkIdentity.Create(options.FallbackId, options.Created, options.Model);
            SseFrames.WriteUsageChunk(identity, options.ChunkObject, translator.Usage, output);
        }

        if (dialect is null && !options.Native)
        {
            output.Write(SseFrames.Done);
        }

        try
        {
            await client.FlushAsync(clientAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new StreamOutcome(translator.Usage, translator.Completed, failure, ClientGone: true) { ContentChunks = translator.ContentChunks, FirstEventAt = firstEventAt };
        }

        return new StreamOutcome(translator.Usage, translator.Completed, failure, ClientGone: false) { ContentChunks = translator.ContentChunks, FirstEventAt = firstEventAt };
    }
}

internal sealed record StreamRelayOptions(
    string Provider,
    TimeSpan IdleTimeout,
    bool ClientWantsUsage,
    string ChunkObject,
    string FallbackId,
    long Created,
    string Model)
{
    /// <summary>The key's health, told the time to the first event (time to first token) for adaptive routing.</summary>
    public Routing.KeyHealth? Health { get; init; }

    /// <summary>Stopwatch timestamp when the upstream request was sent.</summary>
    public long SentAt { get; init; }

    /// <summary>The longest the whole stream may last (<c>stream_total_timeout_in_seconds</c>); null for no limit.</summary>
    public TimeSpan? TotalTimeout { get; init; }

    /// <summary>The upstream already speaks the client's dialect (passthrough): relay as is, no OpenAI epilogue.</summary>
    public bool Native { get; init; }

    /// <summary>That dialect, for the shape of a mid-stream error event.</summary>
    public ClientDialect NativeDialect { get; init; }

    /// <summary>For clients of another dialect (Anthropic, Responses): turns the OpenAI chunks into its event stream.</summary>
    public IDialectStream? Dialect { get; init; }
}

internal sealed record StreamOutcome(TokenUsage Usage, bool Completed, GatewayError? Error, bool ClientGone)
{
    public int ContentChunks { get; init; }

    /// <summary>Stopwatch timestamp when the first upstream event arrived; 0 when none did.</summary>
    public long FirstEventAt { get; init; }
}
