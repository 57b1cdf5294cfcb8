namespace Tollgate.Emulator.Providers;

/// <summary>An error in OpenAI terms; each OpenAI-family dialect renders it in its own envelope.</summary>
internal sealed record OpenAIError(int Status, string Message, string? Param = null, string? Code = null, string Type = "invalid_request_error");
