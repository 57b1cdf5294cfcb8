namespace Tollgate.Api.Anthropic;

/// <summary>Anthropic-looking message and tool ids derived from what an OpenAI-dialect upstream returned.</summary>
internal static class AnthropicMessageId
{
    /// <summary>
    /// <c>chatcmpl-abc</c> (OpenAI) or <c>chatcmpl_abc</c> (Databricks) becomes <c>msg_abc</c>, so the id a client
    /// logs still finds the upstream call; an upstream that sent no id gets a fresh one.
    /// </summary>
    public static string FromChatId(string? chatId)
    {
        if (string.IsNullOrEmpty(chatId))
        {
            return "msg_" + Guid.NewGuid().ToString("N");
        }

        if (chatId.StartsWith("msg_", StringComparison.Ordinal))
        {
            return chatId;
        }

        if (chatId.StartsWith("chatcmpl-", StringComparison.Ordinal) || chatId.StartsWith("chatcmpl_", StringComparison.Ordinal))
        {
            chatId = chatId["chatcmpl-".Length..];
        }

        return chatId.Length == 0 ? FromChatId(null) : "msg_" + chatId;
    }

    /// <summary>For a tool call the upstream sent without an id: the client must echo one back in its tool_result.</summary>
    public static string NewToolUseId() => "toolu_" + Guid.NewGuid().ToString("N");
}
