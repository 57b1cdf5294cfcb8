namespace Tollgate.Configuration;

/// <summary>A configuration error, always naming the JSON path of the offending field (e.g. <c>$.providers.openai.keys[0].weight</c>).</summary>
public sealed class ConfigException(string path, string message) : Exception($"{path}: {message}")
{
    public string JsonPath { get; } = path;

    public string Reason { get; } = message;
}
