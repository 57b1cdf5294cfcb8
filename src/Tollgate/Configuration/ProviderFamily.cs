namespace Tollgate.Configuration;

/// <summary>Providers grouped by wire format: one client per family, with per-provider traits.</summary>
public enum ProviderFamily
{
    OpenAICompatible,
    Anthropic,
}
