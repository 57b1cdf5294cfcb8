namespace Tollgate.Operations.Exports;

internal static class ExportServiceCollectionExtensions
{
    /// <summary>Scheduled exports; their checkpoints live in the operations store <see cref="Alerts.AlertServiceCollectionExtensions.AddAlerts"/> registers.</summary>
    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.AddSingleton<ExportRunStore>();
        services.AddSingleton<ExportRunner>();
        services.AddHostedService<ExportScheduler>();
        return services;
    }
}
