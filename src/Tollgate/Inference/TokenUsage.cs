namespace Tollgate.Inference;

/// <summary>
/// Token counts of one call as the upstream reported them, in OpenAI's vocabulary.
/// <see cref="PromptTokens"/> includes cached and cache-write tokens, as OpenAI's <c>prompt_tokens</c> does.
/// </summary>
public readonly record struct TokenUsage(
    int PromptTokens,
    int CompletionTokens,
    int CachedTokens = 0,
    int CacheWriteTokens = 0)
{
    public int TotalTokens => PromptTokens + CompletionTokens;

    public bool IsEmpty => PromptTokens == 0 && CompletionTokens == 0;
}
