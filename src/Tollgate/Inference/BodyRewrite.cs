namespace Tollgate.Inference;

/// <summary>What must change in an OpenAI-dialect body before it goes upstream. Everything else passes through untouched.</summary>
internal readonly record struct BodyRewrite
{
    /// <summary>The upstream's model name; null removes <c>model</c> (Databricks invocations carry it in the URL).</summary>
    public string? Model { get; init; }

    public StreamOptionsAction StreamOptions { get; init; }

    public bool RemoveEncodingFormat { get; init; }
}

internal enum StreamOptionsAction
{
    Keep,

    /// <summary>Drop <c>stream_options</c>: some upstreams reject it (Databricks).</summary>
    Remove,

    /// <summary>Ask for usage so cost is known, whatever the client asked (the relay hides the usage chunk if unwanted).</summary>
    ForceIncludeUsage,
}
