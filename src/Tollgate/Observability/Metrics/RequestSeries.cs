using Prometheus;

namespace Tollgate.Observability.Metrics;

/// <summary>
/// The labelled children of one (provider, model, virtual key, endpoint), looked up once and kept, so recording a
/// request is a dictionary hit and a few interlocked adds rather than a label-array allocation per metric.
/// </summary>
internal sealed class RequestSeries
{
    private readonly Counter _requests;
    private readonly string[] _labels;
    private readonly Counter.Child?[] _byStatusClass = new Counter.Child?[GatewayMetrics.StatusClasses.Length];

    public RequestSeries(Counter requests, Counter tokens, Counter cost, string provider, string model, string virtualKey, string endpoint)
    {
        _requests = requests;
        _labels = [provider, model, virtualKey, string.Empty, endpoint];
        InputTokens = tokens.WithLabels(provider, model, virtualKey, "input");
        OutputTokens = tokens.WithLabels(provider, model, virtualKey, "output");
        CachedTokens = tokens.WithLabels(provider, model, virtualKey, "cached");
        CostUsd = cost.WithLabels(provider, model, virtualKey);
    }

    public Counter.Child InputTokens { get; }

    public Counter.Child OutputTokens { get; }

    public Counter.Child CachedTokens { get; }

    public Counter.Child CostUsd { get; }

    /// <summary>The request counter for one status class, created on first use so unused classes export no zero series.</summary>
    public Counter.Child Requests(int statusClass)
    {
        var child = Volatile.Read(ref _byStatusClass[statusClass]);
        if (child is null)
        {
            // A race creates nothing twice: WithLabels returns the existing child for the same values.
            var labels = (string[])_labels.Clone();
            labels[3] = GatewayMetrics.StatusClasses[statusClass];
            child = _requests.WithLabels(labels);
            Volatile.Write(ref _byStatusClass[statusClass], child);
        }

        return child;
    }
}
