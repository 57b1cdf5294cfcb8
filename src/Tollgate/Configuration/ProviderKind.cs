namespace Tollgate.Configuration;

/// <summary>The wire dialect and presets a provider uses. A provider's name is its kind unless it is a custom provider.</summary>
public enum ProviderKind
{
    OpenAI,
    Azure,
    Anthropic,
    Databricks,
    Groq,
    Mistral,
    Together,
    Fireworks,
    DeepSeek,
    XAI,
    OpenRouter,
    Cerebras,
    Perplexity,
    Vllm,
    Ollama,
    LMStudio,
    Gemini,
    Vertex,
    Cohere,
    Bedrock,
}
