namespace Tollgate.Api;

/// <summary><c>GET /api/settings</c>: how this gateway runs, for the UI's settings page. Holds no secret.</summary>
internal sealed record SettingsView(
    string Version,
    string Store,
    string DataDirectory,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? ConfigFile,
    bool AdminTokenConfigured,
    ClientSettingsView Client);
