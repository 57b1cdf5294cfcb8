namespace Tollgate.Configuration;

/// <summary>The JSON names of <see cref="LogContentMode"/>, shared by the config file (<c>client.log_content</c>) and the
/// virtual keys (<c>log_content</c>, config file and admin API alike).</summary>
internal static class LogContentModes
{
    /// <summary>The mode named by <paramref name="name"/>, or null when the field is absent; any other value stops with its path.</summary>
    public static LogContentMode? Read(JsonObjectReader reader, string name) => reader.String(name) switch
    {
        null => null,
        "off" => LogContentMode.Off,
        "truncated" => LogContentMode.Truncated,
        "full" => LogContentMode.Full,
        var other => throw new ConfigException(reader.PathOf(name), $"must be \"off\", \"truncated\" or \"full\", found \"{other}\""),
    };

    public static string Name(LogContentMode mode) => mode switch
    {
        LogContentMode.Truncated => "truncated",
        LogContentMode.Full => "full",
        _ => "off",
    };
}
