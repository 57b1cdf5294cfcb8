namespace Tollgate.Providers.OpenAICompatible;

/// <summary>A tool call a stream is gathering from OpenAI <c>delta.tool_calls</c> fragments.</summary>
internal interface IStreamedToolCall
{
    /// <summary>The upstream's <c>tool_calls[].index</c>; -1 for an upstream that sends none.</summary>
    int OpenAIIndex { get; }

    /// <summary>The call id as a JSON string, quotes included; null until the upstream sends one.</summary>
    byte[]? CallId { get; set; }

    /// <summary>The function name as a JSON string, quotes included; null until the upstream sends one.</summary>
    byte[]? Name { get; set; }
}
