using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tollgate.Tests.Common;

namespace Tollgate.Tests.Operations.Alerts;

/// <summary>
/// A real SMTP server: Debian's aiosmtpd on a free loopback port, requiring STARTTLS (a self-signed certificate made
/// here) before it accepts mail, and storing what it gets in a maildir the test reads. scripts/test.sh installs
/// python3-aiosmtpd when missing; <c>TOLLGATE_TEST_PYTHON</c> names the interpreter that has it (Debian's /usr/bin/python3).
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    public string Maildir => Path.Combine(Directory, "mail");

    public static async Task<SmtpServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "smtp-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());
        }

        var port = ChildServer.FreePort();
        var python = Environment.GetEnvironmentVariable("TOLLGATE_TEST_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        var process = ChildServer.StartDrained(new ProcessStartInfo(python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "--tlscert", Path.Combine(directory, "cert.pem"),
                "--tlskey", Path.Combine(directory, "key.pem"), "-c", "aiosmtpd.handlers.Mailbox", Path.Combine(directory, "mail") },
        }, "aiosmtpd");
        var server = new SmtpServer(process, port, directory);
        try
        {
            await ChildServer.WaitListeningAsync(process, port, "aiosmtpd", $" (is python3-aiosmtpd installed for {python}?)");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The raw messages delivered so far.</summary>
    public IReadOnlyList<string> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        return System.IO.Directory.Exists(folder) ? [.. System.IO.Directory.GetFiles(folder).Select(File.ReadAllText)] : [];
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
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
