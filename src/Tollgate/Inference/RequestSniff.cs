namespace Tollgate.Inference;

/// <summary>The few top-level fields of an inference body the gateway needs, read without deserialising the body.</summary>
internal struct RequestSniff
{
    public string? Model;
    public bool Stream;
    public bool IncludeUsage;
    public bool HasStreamOptions;
    public bool HasFallbacks;

    /// <summary>The request's <c>fallbacks</c> (models to try in order when the first fails); null when absent.</summary>
    public List<string>? Fallbacks;
    public int? MaxTokens;

    /// <summary>Embeddings: the client asked for base64 vectors.</summary>
    public bool WantsBase64;

    /// <summary>The body's <c>metadata</c> string values (for routing rules); null when absent.</summary>
    public Dictionary<string, string>? Metadata;

    /// <summary>Which task the body describes, for endpoints that accept several (Databricks invocations).</summary>
    public bool HasMessages;
    public bool HasInput;
    public bool HasPrompt;
    public bool HasEncodingFormat;
}
