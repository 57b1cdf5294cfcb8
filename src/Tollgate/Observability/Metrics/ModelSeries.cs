using Prometheus;

namespace Tollgate.Observability.Metrics;

/// <summary>The labelled children of one (provider, model): latency histograms and attempt counters, kept like <see cref="RequestSeries"/>.</summary>
internal sealed class ModelSeries
{
    private readonly Histogram _timeToFirstToken;
    private readonly string _provider;
    private readonly string _model;
    private Histogram.Child? _ttft;

    public ModelSeries(GatewayMetrics metrics, string provider, string model)
    {
        _provider = provider;
        _model = model;
        _timeToFirstToken = metrics.TimeToFirstTokenHistogram;
        Duration = metrics.DurationHistogram.WithLabels(provider, model);
        Upstream = metrics.UpstreamHistogram.WithLabels(provider, model);
        Overhead = metrics.OverheadHistogram.WithLabels(provider, model);
        Attempts = metrics.AttemptsCounter.WithLabels(provider, model);
        Retries = metrics.RetriesCounter.WithLabels(provider, model);
        Fallbacks = metrics.FallbacksCounter.WithLabels(provider, model);
    }

    public Histogram.Child Duration { get; }

    public Histogram.Child Upstream { get; }

    public Histogram.Child Overhead { get; }

    public Counter.Child Attempts { get; }

    public Counter.Child Retries { get; }

    public Counter.Child Fallbacks { get; }

    /// <summary>Created on first use: models that never stream export no empty TTFT histogram.</summary>
    public Histogram.Child TimeToFirstToken => _ttft ??= _timeToFirstToken.WithLabels(_provider, _model);
}
