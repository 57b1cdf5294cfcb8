using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Configuration;

namespace Tollgate.Guardrails.External;

/// <summary>
/// <c>{"type": "azure_content_safety", "endpoint": "https://x.cognitiveservices.azure.com", "api_key": "env.AZURE_CS_KEY",
/// "thresholds": {"Hate": 4, "SelfHarm": 2, "Sexual": 4, "Violence": 4}}</c> (severities 0-7; a category left out is
/// not asked for; default 4 for all four), or <c>"type": "azure_prompt_shields"</c> with endpoint and key only.
/// </summary>
internal sealed class AzureContentSafetyFactory(IHttpClientFactory clients, ISecretResolver secrets, bool shields) : IGuardrailCheckFactory
{
    public const string AnalyzeType = "azure_content_safety";
    public const string ShieldsType = "azure_prompt_shields";

    private static readonly string[] Categories = ["Hate", "SelfHarm", "Sexual", "Violence"];

    public string Type => shields ? ShieldsType : AnalyzeType;

    public IGuardrailCheck Create(GuardrailRuleOptions rule, string jsonPath)
    {
        var settings = new ExternalSettings(rule, jsonPath, secrets);
        var endpoint = settings.Url("endpoint");
        var key = settings.Secret("api_key");
        var thresholds = Categories.ToDictionary(c => c, _ => 4, StringComparer.Ordinal);
        if (!shields && settings.Element("thresholds") is { } given)
        {
            if (given.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(settings.Path("thresholds"), "expected an object of category: severity");
            }

            thresholds.Clear();
            foreach (var property in given.EnumerateObject())
            {
                var path = $"{settings.Path("thresholds")}.{property.Name}";
                if (!Categories.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new ConfigException(path, $"unknown category (expected {string.Join(", ", Categories)})");
                }

                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var severity) || severity is < 0 or > 7)
                {
                    throw new ConfigException(path, "expected a severity from 0 to 7");
                }

                thresholds[property.Name] = severity;
            }
        }

        return new AzureContentSafetyCheck(clients, Type, endpoint, key, thresholds.ToFrozenDictionary(StringComparer.Ordinal), shields);
    }
}
