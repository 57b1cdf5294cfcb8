namespace Tollgate.Configuration;

public enum AuthStyle
{
    /// <summary><c>Authorization: Bearer</c>.</summary>
    Bearer,

    /// <summary>Azure OpenAI's <c>api-key</c> header.</summary>
    ApiKeyHeader,

    /// <summary>Anthropic's <c>x-api-key</c> header.</summary>
    XApiKey,

    /// <summary>Google's <c>x-goog-api-key</c> header (Gemini API).</summary>
    GoogApiKey,
}
