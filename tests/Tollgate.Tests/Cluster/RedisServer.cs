using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tollgate.Tests.Cluster;

/// <summary>
/// Redis for the cluster tests: the shared server <c>scripts/test.sh</c> starts (<c>TOLLGATE_TEST_REDIS</c>), or a private
/// redis-server process (<c>TOLLGATE_TEST_REDIS_SERVER</c>) for tests that stop and restart it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "redis-" + Guid.NewGuid().ToString("N")[..8]);

    private RedisServer(string endpoint, int port)
    {
        Endpoint = endpoint;
        Port = port;
    }

    public string Endpoint { get; }

    public int Port { get; }

    /// <summary>The shared test server; fails (not skips) without one, like the PostgreSQL tests.</summary>
    public static string Shared => Environment.GetEnvironmentVariable("TOLLGATE_TEST_REDIS") is { Length: > 0 } endpoint
        ? endpoint
        : throw new InvalidOperationException("TOLLGATE_TEST_REDIS is not set: run ./scripts/test.sh, which installs and starts redis-server.");

    /// <summary>A private redis-server on a free port.</summary>
    public static async Task<RedisServer> StartOwnAsync()
    {
        var port = FreePort();
        var server = new RedisServer("127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture), port);
        await server.StartAsync();
        return server;
    }

    /// <summary>(Re)starts the private server on its port, empty (no persistence: a restart is a flush too).</summary>
    public async Task StartAsync()
    {
        var binary = Environment.GetEnvironmentVariable("TOLLGATE_TEST_REDIS_SERVER") is { Length: > 0 } path ? path : "redis-server";
        Directory.CreateDirectory(_directory);
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--save", "", "--appendonly", "no", "--dir", _directory])
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("redis-server did not start on port " + Port);
    }

    /// <summary>Kills the private server (SIGKILL): what a crash or a node loss looks like to the gateways.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
