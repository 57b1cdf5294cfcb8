using System.Reflection;
using Tollgate.Configuration;

namespace Tollgate.Api;

/// <summary><c>GET /api/settings</c> (viewer): version, storage backend, paths and the effective client settings.</summary>
internal static class SettingsApi
{
    // The informational version carries the commit ("1.0.0+abc123") when the build sets it; the UI shows it as is.
    private static readonly string Version =
        typeof(SettingsApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(SettingsApi).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/settings", (GatewayOptions options, GatewayConfigMonitor config) =>
        {
            var client = config.Current.Client;
            return Results.Json(new SettingsView(
                Version,
                string.IsNullOrEmpty(options.PostgresConnectionString) ? "sqlite" : "postgres",
                Path.GetFullPath(options.DataDirectory),
                options.ConfigPath is { Length: > 0 } path ? Path.GetFullPath(path) : null,
                // Whether TOLLGATE_ADMIN_TOKEN is set; without it the gateway generated one on its first start.
                !string.IsNullOrEmpty(options.AdminToken),
                new ClientSettingsView(client.EnforceAuthOnInference, client.MaxRequestBodySizeMb, client.ResponseRetentionDays)),
                JsonOutput.Context.SettingsView);
        }).RequireAdmin().WithTags("Admin: settings");
        return endpoints;
    }
}
