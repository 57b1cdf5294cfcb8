namespace Tollgate.Configuration;

/// <summary>How much request and response content the request log keeps (<c>client.log_content</c>).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<LogContentMode>))]
public enum LogContentMode
{
    /// <summary>No content: prompts and answers often carry personal data, so nothing is the default.</summary>
    Off,

    /// <summary>The first few kilobytes of each body.</summary>
    Truncated,

    /// <summary>Whole bodies.</summary>
    Full,
}
