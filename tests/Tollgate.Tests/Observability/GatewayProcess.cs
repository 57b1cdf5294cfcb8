using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tollgate.Tests.Observability;

/// <summary>
/// The built gateway (<c>Tollgate.dll</c> next to the tests) run as its own process with redirected stdout, to see the
/// console logs exactly as a container or service manager would.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly string _directory;

    private GatewayProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public HttpClient Client { get; private set; } = null!;

    public IReadOnlyCollection<string> Lines => [.. _lines];

    public static async Task<GatewayProcess> StartAsync(string configJson, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "tollgate.json");
        await File.WriteAllTextAsync(configPath, configJson);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "Tollgate.dll"), "--urls", "http://127.0.0.1:0",
            "--data", Path.Combine(directory, "data"), "--config", configPath, "--TOLLGATE_ADMIN_TOKEN", Functional.GatewayHost.AdminToken, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the test sets: inherited OTEL_* or TOLLGATE_* variables would change what is logged.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("TOLLGATE_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var gateway = new GatewayProcess(process, directory);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                // Stdout closed: the process is ending. Its stderr (a configuration error) may still be arriving.
                _ = Task.Run(() =>
                {
                    process.WaitForExit();
                    listening.TrySetException(new InvalidOperationException("The gateway exited: " + string.Join('\n', gateway._lines)));
                });
                return;
            }

            gateway._lines.Enqueue(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                gateway._lines.Enqueue("stderr: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        gateway.Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        return gateway;
    }

    /// <summary>Waits (bounded) until a stdout line satisfies <paramref name="match"/>; null when none did.</summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"Now listening on:? (http://[0-9.:]+)")]
    private static partial Regex ListeningOn();
}
