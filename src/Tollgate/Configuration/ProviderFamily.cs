namespace Tollgate.Configuration;

/// <summary>Providers grouped by wire format: one client per family, with per-provider traits.</summary>
public enum ProviderFamily
{
    OpenAICompatible,
    Anthropic,

    /// <summary>Google's generateContent API: Gemini (API key) and Vertex AI (OAuth, project and region in the URL).</summary>
    Google,

    /// <summary>Cohere's v2 chat and embed API.</summary>
    Cohere,

    /// <summary>AWS Bedrock's Converse API, SigV4-signed, with its binary event stream.</summary>
    Bedrock,
}
