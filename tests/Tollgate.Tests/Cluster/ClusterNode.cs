using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tollgate.Tests.Cluster;

/// <summary>
/// One gateway of a test cluster: the built Tollgate.dll as its own process on a fixed loopback port (so the load
/// balancer's upstream list stays valid across a kill and a restart), sharing PostgreSQL and Redis with its peers.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _directory;
    private readonly string _configPath;
    private readonly ConcurrentQueue<string> _lines = new();
    private Process? _process;

    public ClusterNode(string name, int port, string configPath, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        Port = port;
        _configPath = configPath;
        _environment = environment;
        _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "node-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public HttpClient Client { get; }

    public IReadOnlyCollection<string> Lines => [.. _lines];

    public bool Running => _process is { HasExited: false };

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Starts the process; returns once <c>/health</c> answers (or throws with its output).</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "Tollgate.dll"), "--urls", BaseUrl,
            "--data", Path.Combine(_directory, "data"), "--config", _configPath, "--Logging:LogLevel:Default", "Information",
            "--Logging:LogLevel:Microsoft", "Warning", "--Logging:LogLevel:Npgsql", "Warning"])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("TOLLGATE_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        _lines.Clear();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue("stderr: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        // Generous: three processes start at once on a small, shared machine, each JIT-compiling and hashing.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode}:\n{string.Join('\n', _lines)}");
            }

            try
            {
                using var health = await Client.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name} did not answer /health:\n{string.Join('\n', _lines)}");
    }

    /// <summary>kill -9: no shutdown code runs, like a node lost.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM: what an orchestrator sends before it stops a container.</summary>
    public void Terminate()
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null)
        {
            return true;
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
