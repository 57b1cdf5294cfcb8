namespace Tollgate.Api.Dialects;

internal static class DialectServiceCollectionExtensions
{
    /// <summary>The client dialects with dependencies (Responses keeps conversations) and the entry points that name them.</summary>
    public static IServiceCollection AddClientDialects(this IServiceCollection services)
    {
        services.AddSingleton<ResponsesDialect>();
        services.AddSingleton<EntryPoints>();
        return services;
    }
}
