using Tollgate.Configuration;

namespace Tollgate.Guardrails.External;

internal static class ExternalGuardrailsServiceCollectionExtensions
{
    /// <summary>
    /// The external guardrail checks as rule-engine factories: <c>azure_content_safety</c>, <c>azure_prompt_shields</c>,
    /// <c>openai_moderation</c>, <c>webhook</c>, all over one SSRF-guarded named client.
    /// </summary>
    public static IServiceCollection AddExternalGuardrails(this IServiceCollection services)
    {
        services.AddHttpClient(GuardrailHttp.ClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(GuardrailHttp.CreateHandler);
        services.AddSingleton<IGuardrailCheckFactory>(sp =>
            new AzureContentSafetyFactory(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<ISecretResolver>(), shields: false));
        services.AddSingleton<IGuardrailCheckFactory>(sp =>
            new AzureContentSafetyFactory(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<ISecretResolver>(), shields: true));
        services.AddSingleton<IGuardrailCheckFactory, OpenAIModerationFactory>();
        services.AddSingleton<IGuardrailCheckFactory, WebhookFactory>();
        return services;
    }
}
