namespace Tollgate.Secrets;

/// <summary>Log events of the vault refresher (16xx). Paths and store names only; never a value or a credential.</summary>
internal static partial class SecretsLog
{
    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning,
        Message = "Vault {Store}: reading {Path} failed, keeping the last good value: {Error}")]
    public static partial void RefreshFailed(ILogger logger, string store, string path, string error);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Vault {Store}: {Count} secret(s) rotated ({Paths}); re-resolving the configuration")]
    public static partial void Rotated(ILogger logger, string store, int count, string paths);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Vault {Store}: reachable again after a failed refresh")]
    public static partial void Recovered(ILogger logger, string store);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Error, Message = "Vault refresh round failed unexpectedly; it runs again in a second")]
    public static partial void RoundFailed(ILogger logger, Exception exception);
}
