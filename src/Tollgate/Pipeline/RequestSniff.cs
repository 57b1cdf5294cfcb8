namespace Tollgate.Pipeline;

/// <summary>The few top-level fields of an inference body the gateway needs, read without deserialising the body.</summary>
internal struct RequestSniff
{
    public string? Model;
    public bool Stream;
    public bool IncludeUsage;
    public bool HasStreamOptions;
    public bool HasFallbacks;
    public int? MaxTokens;

    /// <summary>Embeddings: the client asked for base64 vectors.</summary>
    public bool WantsBase64;
    public bool HasEncodingFormat;
}
