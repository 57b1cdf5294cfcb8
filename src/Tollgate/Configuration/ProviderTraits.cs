using System.Collections.Frozen;

namespace Tollgate.Configuration;

/// <summary>What differs between providers of one wire family: default URL, auth, and parameter quirks.</summary>
public sealed record ProviderTraits
{
    public required ProviderKind Kind { get; init; }

    public required string TypeName { get; init; }

    public ProviderFamily Family { get; init; } = ProviderFamily.OpenAICompatible;

    /// <summary>Null when the user must give one (Databricks workspace, Azure endpoint per key).</summary>
    public string? DefaultBaseUrl { get; init; }

    public AuthStyle Auth { get; init; } = AuthStyle.Bearer;

    /// <summary>Local servers (vLLM, Ollama, LM Studio) run without keys.</summary>
    public bool KeyOptional { get; init; }

    /// <summary>
    /// Whether to forward <c>stream_options</c>. Some Databricks endpoints reject it with 400, so Tollgate drops it there
    /// and relies on the running-total usage Databricks puts on every chunk.
    /// </summary>
    public bool AcceptsStreamOptions { get; init; } = true;

    /// <summary>Whether the upstream encodes embeddings as base64 itself; otherwise Tollgate asks for floats and encodes.</summary>
    public bool NativeBase64Embeddings { get; init; }

    public bool SupportsCompletions { get; init; } = true;

    public bool SupportsEmbeddings { get; init; } = true;

    private static readonly FrozenDictionary<string, ProviderTraits> ByType = new ProviderTraits[]
    {
        new() { Kind = ProviderKind.OpenAI, TypeName = "openai", DefaultBaseUrl = "https://api.openai.com/v1", NativeBase64Embeddings = true },
        new() { Kind = ProviderKind.Azure, TypeName = "azure", Auth = AuthStyle.ApiKeyHeader, NativeBase64Embeddings = true },
        new()
        {
            Kind = ProviderKind.Anthropic, TypeName = "anthropic", Family = ProviderFamily.Anthropic, DefaultBaseUrl = "https://api.anthropic.com",
            Auth = AuthStyle.XApiKey, SupportsCompletions = false, SupportsEmbeddings = false,
        },
        new() { Kind = ProviderKind.Databricks, TypeName = "databricks", AcceptsStreamOptions = false },
        new() { Kind = ProviderKind.Groq, TypeName = "groq", DefaultBaseUrl = "https://api.groq.com/openai/v1" },
        new() { Kind = ProviderKind.Mistral, TypeName = "mistral", DefaultBaseUrl = "https://api.mistral.ai/v1" },
        new() { Kind = ProviderKind.Together, TypeName = "together", DefaultBaseUrl = "https://api.together.xyz/v1" },
        new() { Kind = ProviderKind.Fireworks, TypeName = "fireworks", DefaultBaseUrl = "https://api.fireworks.ai/inference/v1" },
        new() { Kind = ProviderKind.DeepSeek, TypeName = "deepseek", DefaultBaseUrl = "https://api.deepseek.com/v1" },
        new() { Kind = ProviderKind.XAI, TypeName = "xai", DefaultBaseUrl = "https://api.x.ai/v1" },
        new() { Kind = ProviderKind.OpenRouter, TypeName = "openrouter", DefaultBaseUrl = "https://openrouter.ai/api/v1" },
        new() { Kind = ProviderKind.Cerebras, TypeName = "cerebras", DefaultBaseUrl = "https://api.cerebras.ai/v1" },
        new() { Kind = ProviderKind.Perplexity, TypeName = "perplexity", DefaultBaseUrl = "https://api.perplexity.ai" },
        new() { Kind = ProviderKind.Vllm, TypeName = "vllm", DefaultBaseUrl = "http://localhost:8000/v1", KeyOptional = true },
        new() { Kind = ProviderKind.Ollama, TypeName = "ollama", DefaultBaseUrl = "http://localhost:11434/v1", KeyOptional = true },
        new() { Kind = ProviderKind.LMStudio, TypeName = "lmstudio", DefaultBaseUrl = "http://localhost:1234/v1", KeyOptional = true },
        new()
        {
            Kind = ProviderKind.Gemini, TypeName = "gemini", Family = ProviderFamily.Google, DefaultBaseUrl = "https://generativelanguage.googleapis.com",
            Auth = AuthStyle.GoogApiKey, SupportsCompletions = false,
        },

        // Vertex and Bedrock build their URL from each key's region unless base_url is set.
        new() { Kind = ProviderKind.Vertex, TypeName = "vertex", Family = ProviderFamily.Google, SupportsCompletions = false },
        new() { Kind = ProviderKind.Cohere, TypeName = "cohere", Family = ProviderFamily.Cohere, DefaultBaseUrl = "https://api.cohere.com", SupportsCompletions = false },
        new() { Kind = ProviderKind.Bedrock, TypeName = "bedrock", Family = ProviderFamily.Bedrock, SupportsCompletions = false },
    }.ToFrozenDictionary(t => t.TypeName, StringComparer.Ordinal);

    private static readonly FrozenDictionary<ProviderKind, ProviderTraits> ByKind = ByType.Values.ToFrozenDictionary(t => t.Kind);

    public static IEnumerable<string> TypeNames => ByType.Keys;

    public static bool TryGet(string typeName, out ProviderTraits traits)
    {
        if (ByType.TryGetValue(typeName, out var found))
        {
            traits = found;
            return true;
        }

        traits = null!;
        return false;
    }

    public static ProviderTraits For(ProviderKind kind) => ByKind[kind];
}
