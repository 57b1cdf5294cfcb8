namespace Tollgate.Emulator;

/// <summary>
/// Standalone run: <c>dotnet run --project tests/Tollgate.Emulator -- --urls http://127.0.0.1:9100</c>.
/// Without <c>--urls</c> (or ASPNETCORE_URLS) it listens on http://127.0.0.1:9100, never on a public interface.
/// </summary>
internal static class Program
{
    private const string DefaultUrl = "http://127.0.0.1:9100";

    public static async Task Main(string[] args)
    {
        var app = EmulatorApp.Create(args, builder =>
        {
            if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            {
                builder.WebHost.UseUrls(DefaultUrl);
            }

            // Standalone users want the "Now listening on" line.
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        });
        await app.RunAsync();
    }
}
