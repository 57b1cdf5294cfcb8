namespace Tollgate.Api.Responses;

/// <summary>
/// Ids in OpenAI's Responses style. They are opaque to clients; the prefixes are what SDKs and logs recognise an
/// object's kind by.
/// </summary>
internal static class ResponsesIds
{
    public static string NewResponseId() => "resp_" + Guid.NewGuid().ToString("N");

    public static string NewMessageId() => "msg_" + Guid.NewGuid().ToString("N");

    public static string NewFunctionCallId() => "fc_" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// A call id for a tool call the upstream sent without one. It is derived from the completion rather than random,
    /// because the reply and the stored conversation are written separately and must agree on it: the client answers
    /// with a <c>function_call_output</c> that names it.
    /// </summary>
    public static string FallbackCallId(string? chatId, int index) =>
        string.IsNullOrEmpty(chatId) ? $"call_{index}" : $"call_{chatId}_{index}";

    /// <summary>For a streamed call without an id: the stream keeps the one it made up, so a random one is enough.</summary>
    public static string NewCallId() => "call_" + Guid.NewGuid().ToString("N");
}
