namespace Tollgate.Pipeline;

/// <summary>The API dialect the client speaks. The pipeline runs in OpenAI's; adapters translate at the edges.</summary>
public enum ClientDialect
{
    OpenAI,

    /// <summary>Anthropic's Messages API on <c>/anthropic/v1/messages</c>.</summary>
    Anthropic,

    /// <summary>OpenAI's Responses API on <c>/v1/responses</c>, translated to chat for every upstream.</summary>
    Responses,
}
