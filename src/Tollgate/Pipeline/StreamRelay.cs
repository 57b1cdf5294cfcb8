using System.Buffers;
using System.Diagnostics;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Pipeline;

/// <summary>
/// Relays one upstream SSE body to the client event by event, flushing after each, with an idle timeout reset on every
/// read. Whatever happens upstream, the client's stream ends the way its dialect ends one:
/// <code>
///   upstream event ─► translator ─┬─► OpenAI frames ─────────────────► client (OpenAI dialect): [error] [usage] [DONE]
///   (parsed once)                 ├─► IStreamSink (fed directly) ────► client (Anthropic, Responses): its closing events
///                                 └─► as is (passthrough) ───────────► client (same dialect as upstream): [error event]
/// </code>
/// Only a translator that makes chunks of its own (Anthropic upstream to a Responses client) writes OpenAI frames to a
/// scratch buffer for the sink.
/// </summary>
internal static class StreamRelay
{
    /// <summary>Feeds each OpenAI frame (<c>data: {...}\n\n</c>) the translator wrote to the sink, then clears the scratch.</summary>
    private static void ToSink(PooledBufferWriter scratch, IStreamSink sink, IBufferWriter<byte> client)
    {
        var frames = scratch.WrittenSpan;
        while (frames.Length > 0)
        {
            var end = frames.IndexOf(SseFrames.EventEnd);
            var frame = end < 0 ? frames : frames[..end];
            if (frame.StartsWith(SseFrames.DataPrefix))
            {
                sink.OnChunk(frame[SseFrames.DataPrefix.Length..], client);
            }

            frames = end < 0 ? default : frames[(end + SseFrames.EventEnd.Length)..];
        }

        scratch.Clear();
    }

    public static async Task<StreamOutcome> RunAsync(
        HttpContext context,
        Stream upstream,
        IStreamTranslator translator,
        StreamRelayOptions options,
        CancellationTokenSource attemptTimeout,
        IStreamEventReader? eventReader = null)
    {
        var client = context.Response.BodyWriter;
        var sink = options.Sink;
        var stages = options.Stages;
        using var scratch = sink is null || translator.TryFeed(sink) ? null : new PooledBufferWriter(4096);
        IBufferWriter<byte> output = scratch is null ? client : scratch;
        var clientAborted = context.RequestAborted;
        GatewayError? failure = null;
        var firstEvent = true;
        long firstEventAt = 0;

        // Which limit the current wait ends at decides the message: timers may fire a hair early, so the clock
        // cannot tell afterwards.
        var waitIsTotal = false;

        // Databricks may end a stream at the end of the body without [DONE]: complete as well, for the stages.
        var endOfBody = false;
        using var reader = eventReader ?? new SseReader(upstream);
        try
        {
            while (true)
            {
                var wait = options.IdleTimeout;
                if (options.TotalTimeout is { } total)
                {
                    var remaining = total - Stopwatch.GetElapsedTime(options.SentAt);
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
                    endOfBody = true;
                    break;
                }

                if (firstEvent)
                {
                    firstEvent = false;
                    firstEventAt = Stopwatch.GetTimestamp();
                    options.Health?.FirstToken(Stopwatch.GetElapsedTime(options.SentAt, firstEventAt));
                }

                if (!stages.IsEmpty && stages.OnStreamEvent(options.Call!, reader.EventName, reader.Data) is { } blocked)
                {
                    failure = blocked;
                    break;
                }

                translator.OnEvent(reader.EventName, reader.Data, output);
                if (scratch is not null)
                {
                    ToSink(scratch, sink!, client);
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
                        return End(translator, options, null, clientGone: true, firstEventAt);
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
            return End(translator, options, null, clientGone: true, firstEventAt);
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
        WriteEpilogue(translator, options, failure, client);
        try
        {
            await client.FlushAsync(clientAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return End(translator, options, failure, clientGone: true, firstEventAt);
        }

        return End(translator, options, failure, clientGone: false, firstEventAt, endOfBody);
    }

    /// <summary>How the client's stream closes: the sink's closing events, a passthrough's error event, or OpenAI's epilogue.</summary>
    private static void WriteEpilogue(IStreamTranslator translator, StreamRelayOptions options, GatewayError? failure, IBufferWriter<byte> client)
    {
        if (options.Sink is { } sink)
        {
            if (failure is not null)
            {
                sink.Fail(failure, client);
                return;
            }

            if (!translator.UsageChunkWritten && !translator.Usage.IsEmpty)
            {
                // Other dialects carry usage in their closing events: hand them the usage the upstream reported.
                sink.OnUsage(translator.Usage);
            }

            sink.Complete(client);
        }
        else if (options.Native is { } native)
        {
            if (failure is not null)
            {
                native.WriteStreamError(failure, client);
            }
        }
        else
        {
            if (failure is not null)
            {
                SseFrames.WriteError(failure, client);
            }
            else if (options.ClientWantsUsage && !translator.UsageChunkWritten)
            {
                var identity = translator.Identity ?? ChunkIdentity.Create(options.FallbackId, options.Created, options.Model);
                SseFrames.WriteUsageChunk(identity, options.ChunkObject, translator.Usage, client);
            }

            client.Write(SseFrames.Done);
        }
    }

    private static StreamOutcome End(IStreamTranslator translator, StreamRelayOptions options, GatewayError? failure, bool clientGone, long firstEventAt,
        bool endOfBody = false)
    {
        if (!options.Stages.IsEmpty)
        {
            // The stages may settle with the usage (the cache keeps it with the answer); the exchange sets it again.
            options.Call!.Usage = translator.Usage;
            options.Stages.OnStreamEnd(options.Call!, failure is null && !clientGone && (translator.Completed || endOfBody));
        }

        return new StreamOutcome(translator.Usage, translator.Completed, failure, clientGone) { ContentChunks = translator.ContentChunks, FirstEventAt = firstEventAt };
    }
}
