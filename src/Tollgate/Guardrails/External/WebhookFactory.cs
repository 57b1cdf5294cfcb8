using Tollgate.Configuration;

namespace Tollgate.Guardrails.External;

/// <summary><c>{"type": "webhook", "url": "https://guard.internal/check", "secret": "env.GUARD_HMAC"}</c>; secret optional (no signature then).</summary>
internal sealed class WebhookFactory(IHttpClientFactory clients, ISecretResolver secrets, TimeProvider time) : IGuardrailCheckFactory
{
    public const string TypeName = "webhook";

    public string Type => TypeName;

    public IGuardrailCheck Create(GuardrailRuleOptions rule, string jsonPath)
    {
        var settings = new ExternalSettings(rule, jsonPath, secrets);
        return new WebhookCheck(clients, time, rule.Id, settings.Url("url"), settings.OptionalSecret("secret"));
    }
}
