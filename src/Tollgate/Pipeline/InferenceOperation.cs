namespace Tollgate.Pipeline;

public enum InferenceOperation
{
    ChatCompletions,
    Completions,
    Embeddings,
}
