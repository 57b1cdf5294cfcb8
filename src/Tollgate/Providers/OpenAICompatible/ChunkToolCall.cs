namespace Tollgate.Providers.OpenAICompatible;

/// <summary>
/// One entry of a chunk's <c>delta.tool_calls</c>. Strings are ranges over the chunk's bytes, quotes included; an
/// empty range means absent or null (Databricks sends <c>"id": null</c> on every fragment after the first).
/// </summary>
/// <param name="Index">The OpenAI tool call index; -1 when the upstream left it out.</param>
internal readonly record struct ChunkToolCall(int Index, Range Id, Range Name, Range Arguments);
