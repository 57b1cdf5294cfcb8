namespace Tollgate.Api.Responses;

/// <summary>
/// Why a Responses request cannot be served; the caller answers 400 in OpenAI's error shape
/// (<c>{"error":{"message","type":"invalid_request_error","param","code"}}</c>). Messages follow OpenAI's own wording
/// (<c>Missing required parameter: 'model'.</c>) and <see cref="Param"/> uses its paths (<c>input[2].content[0].type</c>).
/// </summary>
internal sealed record ResponsesError(string Message, string? Param);
