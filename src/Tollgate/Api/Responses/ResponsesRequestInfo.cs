namespace Tollgate.Api.Responses;

/// <summary>What the caller needs from a Responses request before the translated chat body is sent.</summary>
/// <param name="Store">Whether the caller should keep the conversation for a later <c>previous_response_id</c>; OpenAI's default is true.</param>
internal readonly record struct ResponsesRequestInfo(string Model, bool Stream, bool Store, string? PreviousResponseId);
