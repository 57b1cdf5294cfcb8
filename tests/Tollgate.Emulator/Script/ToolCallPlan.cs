namespace Tollgate.Emulator.Script;

/// <summary>The one tool call the scripted model makes; arguments are streamed in <see cref="ArgumentFragments"/>.</summary>
internal sealed record ToolCallPlan(string Name, string ArgumentsJson, IReadOnlyList<string> ArgumentFragments);
