using Tollgate.Governance;
using Tollgate.Pipeline;

namespace Tollgate.Guardrails;

internal static class GuardrailsServiceCollectionExtensions
{
    /// <summary>Guardrails on input (a request stage) and output (an answer stage); rules come from <c>guardrails</c> in config and on keys and teams.</summary>
    public static IServiceCollection AddGuardrails(this IServiceCollection services)
    {
        services.AddSingleton(sp => new GuardrailsReader(sp.GetServices<IGuardrailCheckFactory>()));
        services.AddSingleton<IGuardrailsCheck>(sp => sp.GetRequiredService<GuardrailsReader>());
        services.AddSingleton<GuardrailMetrics>();
        services.AddSingleton<GuardrailScopes>();
        services.AddSingleton<IRequestStage, GuardrailRequestStage>();
        services.AddSingleton<IAnswerStage, GuardrailAnswerStage>();
        return services;
    }
}
