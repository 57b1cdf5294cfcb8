namespace Tollgate.VaultEmulator;

/// <summary>Standalone run: <c>dotnet run --project tests/Tollgate.VaultEmulator -- --urls http://127.0.0.1:9200</c>.</summary>
internal static class Program
{
    public static async Task Main(string[] args)
    {
        await using var host = await VaultEmulatorHost.StartAsync(args.Length > 1 && args[0] == "--urls" ? args[1] : "http://127.0.0.1:9200");
        Console.WriteLine($"Vault emulator on {host.BaseUrl}; Ctrl+C stops it");
        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        await stop.Task;
    }
}
