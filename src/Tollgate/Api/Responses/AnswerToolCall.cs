namespace Tollgate.Api.Responses;

/// <summary>One function call of the assistant's answer, as JSON fragments ready to copy into any output.</summary>
/// <param name="CallId">The call id as a JSON string, quotes included.</param>
/// <param name="Name">The function name as a JSON string, quotes included.</param>
/// <param name="EscapedArguments">The arguments string's escaped contents, without quotes.</param>
internal sealed record AnswerToolCall(byte[] CallId, byte[] Name, byte[] EscapedArguments);
