using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tollgate.Tests.Common;

/// <summary>
/// What the tests' real servers (SMTP, S3, ...) share: a free loopback port, a child process whose output is drained so
/// it never blocks on a full pipe, and a wait until its port accepts connections.
/// </summary>
public static class ChildServer
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the process with standard output and error read and discarded.</summary>
    public static Process StartDrained(ProcessStartInfo start, string name)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Returns once <paramref name="port"/> accepts a connection; throws when the process exits or 10 s pass.</summary>
    public static async Task WaitListeningAsync(Process process, int port, string name, string exitHint = "")
    {
        for (var i = 0; i < 200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}{exitHint}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"{name} did not listen within 10 s");
    }
}
