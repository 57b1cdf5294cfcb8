using System.Diagnostics;
using Tollgate.Tests.Common;

namespace Tollgate.Tests.Operations.Exports;

/// <summary>
/// npm's s3rver (a real S3 HTTP API) on a free loopback port with one bucket, from tests/storage-emulators (scripts/test.sh
/// runs npm ci there). Objects are read back through the AWS SDK, as any S3 client would.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string Bucket = "exports";
    public const string AccessKey = "S3RVER";

    private readonly Process _process;
    private readonly string _directory;

    private S3Server(Process process, int port, string directory)
    {
        _process = process;
        _directory = directory;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public static async Task<S3Server> StartAsync()
    {
        var root = Environment.GetEnvironmentVariable("TOLLGATE_STORAGE_EMULATORS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(RepositoryRoot(), "tests", "storage-emulators");
        var script = Path.Combine(root, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed in {root} (scripts/test.sh runs npm ci there)");
        }

        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "s3-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = ChildServer.FreePort();
        var process = ChildServer.StartDrained(new ProcessStartInfo("node")
        {
            ArgumentList = { script, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "--configure-bucket", Bucket },
        }, "s3rver");
        var server = new S3Server(process, port, directory);
        try
        {
            await ChildServer.WaitListeningAsync(process, port, "s3rver");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
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

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tollgate.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
