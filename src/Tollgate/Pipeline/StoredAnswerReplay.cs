using System.Buffers;
using System.Globalization;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Pipeline;

/// <summary>
/// Writes a <see cref="StoredAnswer"/> to the client as if the upstream had just sent it, through the same dialect
/// edges a live answer takes:
/// <code>
///   JSON   ─► dialect.WriteAnswer (Anthropic, Responses) or as is (OpenAI, or the client's own dialect) ─► client
///   stream ─► OpenAI frames as is + [usage] + [DONE] (OpenAI clients)
///          ├► each chunk into the dialect's IStreamSink, usage, its closing events (Anthropic, Responses)
///          └► the frames as is (the client's own dialect, from a passthrough)
/// </code>
/// The answer stages (guardrails on output) see the stored answer first; if one would block it, it is not served.
/// </summary>
internal static class StoredAnswerReplay
{
    /// <summary>A call for the dialect edges and the answer stages: no provider, no key, nothing sent.</summary>
    public static InferenceCall CallFor(InferenceRequest request, StoredAnswer answer, AnswerStages stages, long created) => new()
    {
        Http = request.Http,
        Operation = request.Operation,
        Dialect = request.Entry.Dialect,
        DialectState = request.DialectState,
        OriginalBody = request.OriginalBody,
        RequestedModel = request.Sniff.Model ?? string.Empty,
        Body = request.Body,
        Sniff = request.Sniff,
        RequestId = request.RequestId,
        StartedAt = request.StartedAt,
        Created = created,
        Model = answer.Model,
        NativeDialect = answer.NativeDialect is not null,
        Stages = stages,
    };

    /// <summary>Whether the answer stages let this answer through (each sees it as it would a live one).</summary>
    public static bool PassesStages(InferenceCall call, StoredAnswer answer)
    {
        var stages = call.Stages;
        if (stages.IsEmpty)
        {
            return true;
        }

        if (answer.Format == StoredAnswerFormat.Json)
        {
            return stages.OnAnswer(call, answer.Payload.Span) is null;
        }

        var passed = true;
        var frames = answer.Payload.Span;
        while (frames.Length > 0 && passed)
        {
            var end = frames.IndexOf(SseFrames.EventEnd);
            var frame = end < 0 ? frames : frames[..end];
            frames = end < 0 ? default : frames[(end + SseFrames.EventEnd.Length)..];
            var data = Split(frame, out var name);
            passed = stages.OnStreamEvent(call, name, data) is null;
        }

        stages.OnStreamEnd(call, passed);
        return passed;
    }

    public static async Task WriteAsync(InferenceCall call, StoredAnswer answer, string status, bool stream)
    {
        var context = call.Http;
        var response = context.Response;
        var headers = response.Headers;
        GatewayHeaders.SetSafe(headers, GatewayHeaders.Provider, answer.Provider);
        GatewayHeaders.SetSafe(headers, GatewayHeaders.Model, answer.Model);
        headers[GatewayHeaders.Attempts] = "0";
        headers[GatewayHeaders.CostUsd] = "0";
        headers[GatewayHeaders.Cache] = status;
        if (answer.CostNano is { } saved)
        {
            headers[GatewayHeaders.CacheSavedUsd] = (saved / 1_000_000_000m).ToString("0.##########", CultureInfo.InvariantCulture);
        }

        call.Succeeded = true;
        call.Usage = answer.Usage;
        GatewayHeaders.SetOverhead(context, call);
        response.StatusCode = StatusCodes.Status200OK;
        var dialect = call.Dialect;
        if (!stream)
        {
            var payload = answer.Payload;
            PooledBufferWriter? translated = null;
            try
            {
                if (dialect.TranslatesAnswer && !call.NativeDialect)
                {
                    translated = new PooledBufferWriter(payload.Length + 1024);
                    dialect.WriteAnswer(call, payload.Span, translated);
                    await dialect.AnsweredAsync(call, payload).ConfigureAwait(false);
                    payload = translated.WrittenMemory;
                }

                response.ContentType = "application/json";
                response.ContentLength = payload.Length;
                await response.Body.WriteAsync(payload, context.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                translated?.Dispose();
            }

            return;
        }

        response.ContentType = "text/event-stream; charset=utf-8";
        headers.CacheControl = "no-cache";
        var client = response.BodyWriter;
        if (call.NativeDialect)
        {
            client.Write(answer.Payload.Span);
        }
        else if (dialect.CreateStreamSink(call) is { } sink)
        {
            Feed(answer.Payload.Span, sink, client);
            if (!answer.Usage.IsEmpty)
            {
                sink.OnUsage(answer.Usage);
            }

            sink.Complete(client);
            await client.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await dialect.StreamedAsync(call, sink).ConfigureAwait(false);
            return;
        }
        else
        {
            client.Write(answer.Payload.Span);
            if (call.Sniff.IncludeUsage)
            {
                var identity = FirstIdentity(answer.Payload.Span)
                    ?? ChunkIdentity.Create("chatcmpl-" + call.RequestId, call.Created, answer.Model);
                SseFrames.WriteUsageChunk(identity, call.Operation == InferenceOperation.Completions ? "text_completion" : "chat.completion.chunk", answer.Usage, client);
            }

            client.Write(SseFrames.Done);
        }

        await client.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void Feed(ReadOnlySpan<byte> frames, IStreamSink sink, IBufferWriter<byte> client)
    {
        while (frames.Length > 0)
        {
            var end = frames.IndexOf(SseFrames.EventEnd);
            var frame = end < 0 ? frames : frames[..end];
            frames = end < 0 ? default : frames[(end + SseFrames.EventEnd.Length)..];
            var data = Split(frame, out _);
            if (!data.IsEmpty)
            {
                sink.OnChunk(data, client);
            }
        }
    }

    private static ChunkIdentity? FirstIdentity(ReadOnlySpan<byte> frames)
    {
        var end = frames.IndexOf(SseFrames.EventEnd);
        var data = Split(end < 0 ? frames : frames[..end], out _);
        return data.IsEmpty ? null : ChunkIdentity.TryRead(data);
    }

    /// <summary>A frame's event name (empty when it has none) and data, as the recorder wrote it: <c>[event: x\n]data: y</c>.</summary>
    public static ReadOnlySpan<byte> Split(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (frame.StartsWith("event: "u8))
        {
            var newline = frame.IndexOf((byte)'\n');
            if (newline < 0)
            {
                name = frame[7..];
                return default;
            }

            name = frame[7..newline];
            frame = frame[(newline + 1)..];
        }

        return frame.StartsWith(SseFrames.DataPrefix) ? frame[SseFrames.DataPrefix.Length..] : default;
    }
}
