using System.Text.Json;

namespace Tollgate.Api.Dialects;

/// <summary>
/// What a Responses API request needs on the way back: the original request (echoed in the response object), the
/// response id, whether to store the conversation for <c>previous_response_id</c>, and the chat request it became.
/// </summary>
internal sealed class ResponsesState(JsonDocument request, string responseId, bool store, string chatRequestJson) : IDisposable
{
    public JsonElement Request => request.RootElement;

    public string ResponseId { get; } = responseId;

    public bool Store { get; } = store;

    public string ChatRequestJson { get; } = chatRequestJson;

    /// <summary>The <c>previous_response_id</c> the request continues, if any.</summary>
    public string? PreviousResponseId { get; init; }

    /// <summary>True when Tollgate has no stored conversation for <see cref="PreviousResponseId"/> (it may be OpenAI's).</summary>
    public bool PreviousMissing { get; init; }

    public void Dispose() => request.Dispose();
}
