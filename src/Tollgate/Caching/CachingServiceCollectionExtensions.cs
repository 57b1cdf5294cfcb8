using Tollgate.Pipeline;

namespace Tollgate.Caching;

internal static class CachingServiceCollectionExtensions
{
    /// <summary>The response cache: a request stage (lookup, and a recorder per miss) over the in-memory or Redis store.
    /// Registered after guardrails so input masking runs before keying and output rules see answers before they are kept.</summary>
    public static IServiceCollection AddCaching(this IServiceCollection services)
    {
        services.AddSingleton<CacheMetrics>();
        services.AddSingleton<MemoryCacheStore>();
        services.AddSingleton<ICacheStore, CacheStore>();
        services.AddSingleton<SemanticIndex>();
        services.AddSingleton<CacheEmbedder>();
        services.AddSingleton<CacheRequestStage>();
        services.AddSingleton<IRequestStage>(sp => sp.GetRequiredService<CacheRequestStage>());
        return services;
    }
}
