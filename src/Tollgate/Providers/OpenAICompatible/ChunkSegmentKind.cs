namespace Tollgate.Providers.OpenAICompatible;

/// <summary>What a piece of streamed OpenAI delta text becomes in the Anthropic stream.</summary>
internal enum ChunkSegmentKind
{
    /// <summary><c>delta.content</c> or <c>delta.refusal</c>: a text_delta.</summary>
    Text,

    /// <summary><c>delta.reasoning_content</c>, <c>delta.reasoning</c> or a Databricks summary_text: a thinking_delta.</summary>
    Thinking,

    /// <summary>The signature of a Databricks summary_text: a signature_delta.</summary>
    Signature,
}
