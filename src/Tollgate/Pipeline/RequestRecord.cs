using System.Diagnostics;
using Tollgate.Configuration;
using Tollgate.Governance.Model;
using Tollgate.Inference;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Pipeline;

/// <summary>
/// What the pipeline learns about one client request as it runs, over every candidate model it tries; turned into the
/// <see cref="RequestLogEntry"/> when the request ends. One per request, filled in place so the hot path adds no copies.
/// </summary>
internal sealed class RequestRecord(HttpContext http, EntryPoint entry, long startedAt, DateTimeOffset time)
{
    public HttpContext Http { get; } = http;

    public EntryPoint Entry { get; } = entry;

    public long StartedAt { get; } = startedAt;

    public DateTimeOffset Time { get; } = time;

    public string RequestId { get; set; } = string.Empty;

    public InferenceOperation? Operation { get; set; }

    public VirtualKey? VirtualKey { get; set; }

    public string? RequestedModel { get; set; }

    public bool Stream { get; set; }

    /// <summary>The last candidate that got as far as routing.</summary>
    public InferenceCall? LastCall { get; set; }

    /// <summary>Candidates tried after the first (fallbacks).</summary>
    public int Fallbacks { get; set; }

    public int Attempts { get; set; }

    public long? CostNano { get; set; }

    public long UpstreamTicks { get; set; }

    /// <summary>Stopwatch timestamp of the first event relayed to the client (streams only).</summary>
    public long FirstByteAt { get; set; }

    /// <summary>The error the client was answered with, if the gateway wrote one.</summary>
    public GatewayError? Error { get; set; }

    /// <summary>True when an unexpected exception ended the request (the error middleware answers 500).</summary>
    public bool Crashed { get; set; }

    /// <summary>What the response cache said (<c>hit</c>, <c>semantic-hit</c>, <c>miss</c>, <c>bypass</c>); null when caching is off.</summary>
    public string? CacheStatus { get; set; }

    /// <summary>The stored answer the client was served instead of an upstream call.</summary>
    public StoredAnswer? Served { get; set; }

    public LogContentMode Content { get; set; }

    public string? RequestBody { get; set; }

    public ResponseCaptureStream? ResponseCapture { get; set; }

    /// <summary>Folds a finished candidate into the totals.</summary>
    public void Add(InferenceCall call)
    {
        LastCall = call;
        Attempts += call.Attempts;
        UpstreamTicks += call.UpstreamWaitTicks;
        if (call.CostNano is { } cost)
        {
            CostNano = (CostNano ?? 0) + cost;
        }

        if (call.FirstByteAt != 0 && FirstByteAt == 0)
        {
            FirstByteAt = call.FirstByteAt;
        }
    }

    public RequestLogEntry ToEntry()
    {
        var http = Http;
        var call = LastCall;
        var aborted = http.RequestAborted.IsCancellationRequested;
        var status = Crashed ? StatusCodes.Status500InternalServerError
            : aborted && !http.Response.HasStarted ? 499
            : http.Response.StatusCode;
        var error = status >= 400 ? Error ?? call?.Error : null;
        var usage = call?.Usage ?? Served?.Usage ?? default;
        return new RequestLogEntry
        {
            Id = RequestId,
            Time = Time,
            Endpoint = Entry.Dialect.EndpointName(Operation ?? InferenceOperation.ChatCompletions),
            Path = http.Request.Path.Value ?? string.Empty,
            Stream = Stream,
            VirtualKeyId = VirtualKey?.Id,
            VirtualKeyName = VirtualKey?.Name,
            TeamId = VirtualKey?.TeamId,
            CustomerId = VirtualKey?.CustomerId,
            Provider = call?.Provider?.Name ?? Served?.Provider,
            Model = call?.Model ?? Served?.Model,
            RequestedModel = RequestedModel,
            KeyName = call?.Key?.Name,
            Status = status,
            ErrorType = error?.Type ?? (status >= 400 ? ErrorTypes.ForStatus(status) : null),
            ErrorCode = error?.Code ?? (Crashed ? "internal_error" : status == 499 ? "client_closed_request" : null),
            ErrorMessage = error?.Message,
            LatencyMs = Stopwatch.GetElapsedTime(StartedAt).TotalMilliseconds,
            TtftMs = FirstByteAt != 0 ? Stopwatch.GetElapsedTime(StartedAt, FirstByteAt).TotalMilliseconds : null,
            UpstreamMs = UpstreamTicks > 0 ? Stopwatch.GetElapsedTime(0, UpstreamTicks).TotalMilliseconds : 0,
            PromptTokens = usage.PromptTokens,
            CompletionTokens = usage.CompletionTokens,
            CachedTokens = usage.CachedTokens,
            Estimated = call?.UsageEstimated ?? false,
            CostNano = CostNano,
            Attempts = Attempts,
            Fallbacks = Fallbacks,
            Cache = CacheStatus,
            CacheSavedNano = Served?.CostNano,
            RequestBody = RequestBody,
            ResponseBody = ResponseCapture?.Text,
        };
    }
}
