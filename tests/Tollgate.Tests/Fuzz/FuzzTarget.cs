namespace Tollgate.Tests.Fuzz;

/// <summary>An endpoint to fuzz: its path, valid seed bodies to mutate, and the error shape its rejections must have.</summary>
public sealed record FuzzTarget(string Name, string Method, string Path, IReadOnlyList<string> Seeds, bool AnthropicShape = false)
{
    public override string ToString() => Name;
}
