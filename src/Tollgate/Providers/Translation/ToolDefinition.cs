namespace Tollgate.Providers.Translation;

/// <summary>A function the model may call; <see cref="ParametersJson"/> is its JSON Schema as raw JSON.</summary>
internal sealed record ToolDefinition(string Name, string? Description, string ParametersJson);
