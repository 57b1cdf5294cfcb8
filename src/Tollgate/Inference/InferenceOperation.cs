namespace Tollgate.Inference;

public enum InferenceOperation
{
    ChatCompletions,
    Completions,
    Embeddings,
}
