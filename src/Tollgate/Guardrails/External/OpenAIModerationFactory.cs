using Tollgate.Configuration;

namespace Tollgate.Guardrails.External;

/// <summary>
/// <c>{"type": "openai_moderation", "api_key": "env.OPENAI_API_KEY", "base_url": "https://api.openai.com",
/// "model": "omni-moderation-latest", "categories": ["violence", "self-harm"]}</c>; base_url, model and categories optional.
/// </summary>
internal sealed class OpenAIModerationFactory(IHttpClientFactory clients, ISecretResolver secrets) : IGuardrailCheckFactory
{
    public const string TypeName = "openai_moderation";

    public string Type => TypeName;

    public IGuardrailCheck Create(GuardrailRuleOptions rule, string jsonPath)
    {
        var settings = new ExternalSettings(rule, jsonPath, secrets);
        var baseUrl = settings.Url("base_url", "https://api.openai.com");
        var url = baseUrl.EndsWith("/v1", StringComparison.Ordinal) ? baseUrl + "/moderations" : baseUrl + "/v1/moderations";
        return new OpenAIModerationCheck(clients, url, settings.Secret("api_key"), settings.String("model") ?? "omni-moderation-latest",
            settings.Strings("categories"));
    }
}
