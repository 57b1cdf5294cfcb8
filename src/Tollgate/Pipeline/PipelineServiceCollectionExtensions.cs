using Tollgate.Routing;

namespace Tollgate.Pipeline;

internal static class PipelineServiceCollectionExtensions
{
    /// <summary>The request handler, its attempt loop and upstream exchange, and the (optional) stages features plug in.</summary>
    public static IServiceCollection AddInferencePipeline(this IServiceCollection services)
    {
        services.AddSingleton<PipelineStages>();
        services.AddSingleton<UpstreamExchange>();
        services.AddSingleton(sp => new AttemptLoop(
            sp.GetRequiredService<UpstreamExchange>(),
            sp.GetRequiredService<RouteHealthRegistry>(),
            sp.GetRequiredService<GovernanceStage>().TakeModelLimitsAsync,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<InferenceExecutor>();
        return services;
    }
}
