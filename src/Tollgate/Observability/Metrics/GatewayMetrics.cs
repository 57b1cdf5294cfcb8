using System.Collections.Concurrent;
using Prometheus;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Observability.Metrics;

/// <summary>
/// Prometheus metrics of the gateway, served at <c>/metrics</c>. Request series are fed by <see cref="Record"/>, once per
/// finished request, from the same <see cref="RequestLogEntry"/> the request log gets; budget, key-health and queue
/// gauges are read at scrape time (<see cref="ScrapeGauges"/>), so the request path never computes them.
/// <para>
/// Each instance has its own <see cref="CollectorRegistry"/> rather than prometheus-net's static default one: two
/// gateways in one process (tests) must not share counters.
/// </para>
/// </summary>
internal sealed class GatewayMetrics : IRequestObserver
{
    /// <summary>Label values of <c>status_class</c>, indexed by status / 100 (0 for anything outside 100..599).</summary>
    internal static readonly string[] StatusClasses = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"];

    /// <summary>Codes the governance stage answers 429 with (Governance/GovernanceService.cs); upstream 429s are errors, not rejections.</summary>
    private static readonly string[] RateLimitCodes = ["rate_limit_exceeded", "concurrency_limit_exceeded", "model_rate_limit_exceeded"];

    private const string BudgetExceededCode = "budget_exceeded";

    // Seconds, Prometheus' base unit. End to end spans fast cached answers to long generations.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

    // The gateway's own time: tens of microseconds when healthy, up to a second when something is wrong.
    private static readonly double[] OverheadBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private static readonly double[] TimeToFirstTokenBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30, 60];

    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Counter _tokens;
    private readonly Counter _cost;
    private readonly Counter.Child[] _rateLimited;
    private readonly Counter _budgetRejections;
    private readonly ConcurrentDictionary<(string Provider, string Model, string VirtualKey, string Endpoint), RequestSeries> _requestSeries = new();
    private readonly ConcurrentDictionary<(string Provider, string Model), ModelSeries> _modelSeries = new();
    private readonly ConcurrentDictionary<(string Provider, string Model, string ErrorType), Counter.Child> _errorSeries = new();
    private readonly ConcurrentDictionary<string, Counter.Child> _budgetSeries = new(StringComparer.Ordinal);
    private readonly Func<(string, string, string, string), RequestSeries> _newRequestSeries;
    private readonly Func<(string, string), ModelSeries> _newModelSeries;
    private readonly Func<(string, string, string), Counter.Child> _newErrorSeries;
    private readonly Func<string, Counter.Child> _newBudgetSeries;
    private volatile bool _virtualKeyLabel;

    public GatewayMetrics(GatewayConfigMonitor config)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);

        _requests = factory.CreateCounter("tollgate_requests_total", "Inference requests by outcome.",
            ["provider", "model", "virtual_key", "status_class", "endpoint"]);
        _errors = factory.CreateCounter("tollgate_errors_total", "Inference requests that ended in an error, by OpenAI error type.",
            ["provider", "model", "error_type"]);
        DurationHistogram = factory.CreateHistogram("tollgate_request_duration_seconds", "End-to-end request time, to the last byte.",
            ["provider", "model"], new HistogramConfiguration { Buckets = DurationBuckets });
        UpstreamHistogram = factory.CreateHistogram("tollgate_upstream_duration_seconds", "Time spent waiting on upstreams, all attempts of a request.",
            ["provider", "model"], new HistogramConfiguration { Buckets = DurationBuckets });
        OverheadHistogram = factory.CreateHistogram("tollgate_gateway_overhead_seconds", "Gateway time of a proxied request not spent waiting on the upstream.",
            ["provider", "model"], new HistogramConfiguration { Buckets = OverheadBuckets });
        TimeToFirstTokenHistogram = factory.CreateHistogram("tollgate_time_to_first_token_seconds", "Time to the first streamed byte of a stream.",
            ["provider", "model"], new HistogramConfiguration { Buckets = TimeToFirstTokenBuckets });
        _tokens = factory.CreateCounter("tollgate_tokens_total", "Tokens by direction: input (all prompt tokens, cached included), output, cached (the cached part of input).",
            ["provider", "model", "virtual_key", "direction"]);
        _cost = factory.CreateCounter("tollgate_cost_usd_total", "Cost in US dollars, from the price catalog.",
            ["provider", "model", "virtual_key"]);
        var rateLimited = factory.CreateCounter("tollgate_rate_limit_rejections_total", "Requests the gateway refused with 429, by limit code.", ["code"]);
        _rateLimited = [.. RateLimitCodes.Select(code => rateLimited.WithLabels(code))];
        _budgetRejections = factory.CreateCounter("tollgate_budget_rejections_total", "Requests refused with 402 budget_exceeded.", ["virtual_key"]);
        FallbacksCounter = factory.CreateCounter("tollgate_fallbacks_total", "Fallback candidates tried, by the provider and model that ended the request.",
            ["provider", "model"]);
        AttemptsCounter = factory.CreateCounter("tollgate_upstream_attempts_total", "Upstream attempts (every retry and fallback included).",
            ["provider", "model"]);
        RetriesCounter = factory.CreateCounter("tollgate_upstream_retries_total", "Upstream attempts beyond the first of a request (retries and fallbacks).",
            ["provider", "model"]);
        LogQueueDepth = factory.CreateGauge("tollgate_log_queue_depth", "Request-log entries waiting to be written.");
        LogDropped = factory.CreateCounter("tollgate_log_dropped_total", "Request-log entries dropped because the queue was full.");
        UsageQueueDepth = factory.CreateGauge("tollgate_usage_queue_depth", "Usage (spend) records waiting to be written.");

        var client = config.Current.Client;
        ValueLimit = client.MetricsMaxLabelValues;
        Providers = new LabelLimiter(ValueLimit);
        Models = new LabelLimiter(ValueLimit);
        VirtualKeys = new LabelLimiter(ValueLimit);
        Endpoints = new LabelLimiter(ValueLimit);
        ErrorTypes = new LabelLimiter(ValueLimit);
        _virtualKeyLabel = client.MetricsVirtualKeyLabel;
        config.Changed += Reconfigure;

        // Factories held in fields: GetOrAdd with a lambda capturing `this` would allocate a closure per call.
        _newRequestSeries = key => new RequestSeries(_requests, _tokens, _cost, key.Item1, key.Item2, key.Item3, key.Item4);
        _newModelSeries = key => new ModelSeries(this, key.Item1, key.Item2);
        _newErrorSeries = key => _errors.WithLabels(key.Item1, key.Item2, key.Item3);
        _newBudgetSeries = key => _budgetRejections.WithLabels(key);
    }

    public CollectorRegistry Registry { get; }

    internal int ValueLimit { get; private set; }

    internal LabelLimiter Providers { get; }

    internal LabelLimiter Models { get; }

    internal LabelLimiter VirtualKeys { get; }

    internal LabelLimiter Endpoints { get; }

    internal LabelLimiter ErrorTypes { get; }

    internal Histogram DurationHistogram { get; }

    internal Histogram UpstreamHistogram { get; }

    internal Histogram OverheadHistogram { get; }

    internal Histogram TimeToFirstTokenHistogram { get; }

    internal Counter FallbacksCounter { get; }

    internal Counter AttemptsCounter { get; }

    internal Counter RetriesCounter { get; }

    internal Gauge LogQueueDepth { get; }

    internal Counter LogDropped { get; }

    internal Gauge UsageQueueDepth { get; }

    internal Func<int>? LogQueueDepthSource { get; private set; }

    internal Func<long>? LogDroppedSource { get; private set; }

    /// <summary>Records one finished request. Cheap: label values are bounded and the children they select are cached.</summary>
    void IRequestObserver.OnCompleted(RequestLogEntry entry) => Record(entry);

    public void Record(RequestLogEntry entry)
    {
        var provider = Providers.Admit(entry.Provider);
        var model = Models.Admit(entry.Model);
        var virtualKey = _virtualKeyLabel ? VirtualKeys.Admit(VirtualKeyLabel(entry)) : string.Empty;
        var series = _requestSeries.GetOrAdd((provider, model, virtualKey, Endpoints.Admit(entry.Endpoint)), _newRequestSeries);
        var status = entry.Status;
        series.Requests(status is >= 100 and < 600 ? status / 100 : 0).Inc();
        if (entry.PromptTokens > 0)
        {
            series.InputTokens.Inc(entry.PromptTokens);
        }

        if (entry.CompletionTokens > 0)
        {
            series.OutputTokens.Inc(entry.CompletionTokens);
        }

        if (entry.CachedTokens > 0)
        {
            series.CachedTokens.Inc(entry.CachedTokens);
        }

        if (entry.CostNano is > 0 and var nano)
        {
            series.CostUsd.Inc(nano / 1e9);
        }

        var timing = _modelSeries.GetOrAdd((provider, model), _newModelSeries);
        timing.Duration.Observe(entry.LatencyMs / 1000);
        if (entry.Attempts > 0)
        {
            // Only proxied requests: a request refused before routing is all "overhead" and would skew the histogram.
            timing.Upstream.Observe(entry.UpstreamMs / 1000);
            timing.Overhead.Observe(entry.OverheadMs / 1000);
            timing.Attempts.Inc(entry.Attempts);
            if (entry.Attempts > 1)
            {
                timing.Retries.Inc(entry.Attempts - 1);
            }
        }

        if (entry.TtftMs is { } ttft)
        {
            timing.TimeToFirstToken.Observe(ttft / 1000);
        }

        if (entry.Fallbacks > 0)
        {
            timing.Fallbacks.Inc(entry.Fallbacks);
        }

        if (entry.ErrorType is not null)
        {
            RecordError(entry, provider, model, virtualKey);
        }
    }

    /// <summary>
    /// Lets the request-log writer report its queue: read at scrape time only. <paramref name="dropped"/> must be a
    /// running total (it is exported as a counter).
    /// </summary>
    public void ObserveLogQueue(Func<int> depth, Func<long> dropped)
    {
        ArgumentNullException.ThrowIfNull(depth);
        ArgumentNullException.ThrowIfNull(dropped);
        LogQueueDepthSource = depth;
        LogDroppedSource = dropped;
    }

    /// <summary>The virtual key as a label: its name (what dashboards show), else its id.</summary>
    private static string? VirtualKeyLabel(RequestLogEntry entry) => entry.VirtualKeyName ?? entry.VirtualKeyId;

    private void RecordError(RequestLogEntry entry, string provider, string model, string virtualKey)
    {
        _errorSeries.GetOrAdd((provider, model, ErrorTypes.Admit(entry.ErrorType)), _newErrorSeries).Inc();
        if (entry.Status == StatusCodes.Status429TooManyRequests && entry.ErrorCode is { } code)
        {
            var index = Array.IndexOf(RateLimitCodes, code);
            if (index >= 0)
            {
                _rateLimited[index].Inc();
            }
        }
        else if (entry.Status == StatusCodes.Status402PaymentRequired && entry.ErrorCode == BudgetExceededCode)
        {
            _budgetSeries.GetOrAdd(virtualKey, _newBudgetSeries).Inc();
        }
    }

    private void Reconfigure(GatewayConfig config)
    {
        var client = config.Client;
        _virtualKeyLabel = client.MetricsVirtualKeyLabel;
        ValueLimit = client.MetricsMaxLabelValues;
        foreach (var limiter in (ReadOnlySpan<LabelLimiter>)[Providers, Models, VirtualKeys, Endpoints, ErrorTypes])
        {
            limiter.MaxValues = ValueLimit;
        }
    }
}
