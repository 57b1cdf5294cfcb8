namespace Tollgate.Providers.Translation;

/// <summary>A function call, its arguments as the JSON text OpenAI carries them in.</summary>
internal sealed record ToolCall(string Id, string Name, string Arguments);
