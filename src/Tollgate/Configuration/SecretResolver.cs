namespace Tollgate.Configuration;

/// <summary>
/// Resolves secret references in config values: <c>env.NAME</c> reads an environment variable, <c>file./path</c> reads a
/// file (trimmed), anything else is a literal. Missing references are config errors, so a typo fails at start.
/// </summary>
public sealed class SecretResolver(Func<string, string?> getEnvironmentVariable)
{
    public static SecretResolver FromEnvironment { get; } = new(Environment.GetEnvironmentVariable);

    public string Resolve(string value, string jsonPath)
    {
        if (value.StartsWith("env.", StringComparison.Ordinal))
        {
            var name = value[4..];
            var resolved = getEnvironmentVariable(name);
            if (string.IsNullOrEmpty(resolved))
            {
                throw new ConfigException(jsonPath, $"environment variable '{name}' is not set");
            }

            return resolved;
        }

        if (value.StartsWith("file.", StringComparison.Ordinal))
        {
            var path = value[5..];
            try
            {
                return File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException(jsonPath, $"cannot read secret file '{path}': {ex.Message}");
            }
        }

        return value;
    }
}
