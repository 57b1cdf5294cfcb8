using Tollgate.Configuration;

namespace Tollgate.Secrets;

internal static class SecretsServiceCollectionExtensions
{
    /// <summary>The secret resolver (env., file., vault. references), the vault stores and their background refresh.</summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services)
    {
        services.AddSingleton(sp => new VaultRegistry(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SecretResolver(Environment.GetEnvironmentVariable, sp.GetRequiredService<VaultRegistry>()));
        services.AddSingleton<ISecretResolver>(sp => sp.GetRequiredService<SecretResolver>());
        services.AddSingleton<VaultRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<VaultRefresher>());
        return services;
    }
}
