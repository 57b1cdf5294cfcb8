namespace Tollgate.Emulator.Providers;

/// <summary>
/// What differs between the providers that speak the OpenAI wire format (OpenAI, Azure, Databricks, vLLM), so
/// one implementation of chat, completions and embeddings serves them all.
/// </summary>
internal sealed record OpenAIDialect
{
    /// <summary>Provider name; also the name in "Hello from ...".</summary>
    public required string Provider { get; init; }

    public required Func<HttpContext, OpenAIError, Task> WriteError { get; init; }

    /// <summary>OpenAI's <c>prompt_tokens_details</c>/<c>completion_tokens_details</c>, <c>system_fingerprint</c>, <c>refusal</c>.</summary>
    public bool OpenAIExtras { get; init; }

    /// <summary>Honours <c>stream_options.include_usage</c> with a final <c>"choices":[]</c> usage chunk.</summary>
    public bool IncludeUsageOption { get; init; } = true;

    /// <summary>Databricks: every chunk carries running-total usage.</summary>
    public bool RunningUsageInChunks { get; init; }

    /// <summary>Databricks: no role-only first chunk; the role rides on the first content delta.</summary>
    public bool RoleInFirstContentDelta { get; init; }

    /// <summary>Whether the stream ends with <c>data: [DONE]</c> (asked per request, since Databricks makes it a setting).</summary>
    public Func<HttpContext, bool> SendsDone { get; init; } = static _ => true;

    /// <summary>Azure: content-filter annotations, including the stream's leading chunk with empty <c>choices</c>.</summary>
    public bool ContentFilters { get; init; }

    /// <summary>False for Databricks, which ignores <c>encoding_format</c> and always returns floats.</summary>
    public bool SupportsBase64Embeddings { get; init; } = true;

    /// <summary>Prefix of chat completion ids.</summary>
    public string ChatIdPrefix { get; init; } = "chatcmpl-emu";
}
