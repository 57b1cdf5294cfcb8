namespace Tollgate.Api;

/// <summary>The config file's effective <c>client</c> section, as <see cref="SettingsView"/> shows it.</summary>
internal sealed record ClientSettingsView(bool EnforceAuthOnInference, int MaxRequestBodySizeMb, int ResponseRetentionDays);
