using System.Text.Json;
using Tollgate.Configuration;

namespace Tollgate.Guardrails.External;

/// <summary>Reads the type-specific fields of one rule (the whole rule object as written), with JSON paths in errors.</summary>
internal sealed class ExternalSettings(GuardrailRuleOptions rule, string jsonPath, ISecretResolver secrets)
{
    private readonly JsonElement _settings = rule.Settings;

    public string Path(string name) => $"{jsonPath}.{name}";

    public string? String(string name)
    {
        if (_settings.ValueKind != JsonValueKind.Object || !_settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ConfigException(Path(name), $"expected a string, found {JsonObjectReader.Describe(value.ValueKind)}");
    }

    public string Required(string name) =>
        String(name) is { Length: > 0 } value ? value : throw new ConfigException(Path(name), "required");

    /// <summary>An absolute http(s) URL without a trailing slash.</summary>
    public string Url(string name, string? fallback = null)
    {
        var value = String(name) ?? fallback ?? throw new ConfigException(Path(name), "required");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ConfigException(Path(name), "expected an absolute http or https URL");
        }

        return value.TrimEnd('/');
    }

    /// <summary>A secret: a literal, <c>env.NAME</c>, <c>file./path</c> or <c>vault.store/path#field</c>.</summary>
    public string Secret(string name) => secrets.Resolve(Required(name), Path(name));

    public string? OptionalSecret(string name) => String(name) is { Length: > 0 } value ? secrets.Resolve(value, Path(name)) : null;

    public JsonElement? Element(string name) =>
        _settings.ValueKind == JsonValueKind.Object && _settings.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public IReadOnlyList<string> Strings(string name)
    {
        if (Element(name) is not { } value)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new ConfigException(Path(name), "expected an array of strings");
        }

        return [.. value.EnumerateArray().Select(e => e.GetString()!)];
    }
}
