using Prometheus;
using Tollgate.Observability.Metrics;
using Tollgate.Pipeline;

namespace Tollgate.Caching;

/// <summary>
/// <c>tollgate_cache_requests_total{result}</c> (hit, semantic-hit, miss, bypass), <c>tollgate_cache_saved_usd_total</c>
/// and <c>tollgate_cache_saved_tokens_total</c> (what hits did not send upstream), <c>tollgate_cache_stores_total</c>.
/// </summary>
internal sealed class CacheMetrics(GatewayMetrics metrics)
{
    private readonly Counter _requests = Prometheus.Metrics.WithCustomRegistry(metrics.Registry)
        .CreateCounter("tollgate_cache_requests_total", "Requests the response cache looked at, by result.", ["result"]);

    private readonly Counter _savedUsd = Prometheus.Metrics.WithCustomRegistry(metrics.Registry)
        .CreateCounter("tollgate_cache_saved_usd_total", "Upstream cost cache hits saved, in USD.");

    private readonly Counter _savedTokens = Prometheus.Metrics.WithCustomRegistry(metrics.Registry)
        .CreateCounter("tollgate_cache_saved_tokens_total", "Tokens cache hits did not send upstream, prompt plus completion.");

    private readonly Counter _stores = Prometheus.Metrics.WithCustomRegistry(metrics.Registry)
        .CreateCounter("tollgate_cache_stores_total", "Answers written to the response cache.");

    private readonly Counter _embeddingTokens = Prometheus.Metrics.WithCustomRegistry(metrics.Registry)
        .CreateCounter("tollgate_cache_embedding_tokens_total", "Tokens the semantic cache's own embedding calls used.");

    public void EmbeddingTokens(int tokens) => _embeddingTokens.Inc(tokens);

    public void Lookup(string result) => _requests.WithLabels(result).Inc();

    public void Hit(string result, StoredAnswer answer)
    {
        _requests.WithLabels(result).Inc();
        _savedTokens.Inc(answer.Usage.TotalTokens);
        if (answer.CostNano is { } nano)
        {
            _savedUsd.Inc(nano / 1e9);
        }
    }

    public void Stored() => _stores.Inc();
}
