using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Deployment;

/// <summary>
/// The published gateway started the way deploy/Dockerfile's image starts it, without a container runtime (none runs on
/// these machines): the final stage's ENV, USER, VOLUME, ENTRYPOINT and HEALTHCHECK read from the Dockerfile, the
/// output of <c>dotnet publish</c> as /app, every mount read-only but the data volume and a /tmp stand-in, no
/// capabilities. It must start, answer /health, /ready and an inference call, and pass and fail its own health check.
/// </summary>
public sealed class PublishedImageTests : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tollgate-image-");
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _root.Delete(recursive: true);
    }

    [ImageSandboxFact]
    public async Task PublishedFolder_RunAsTheImageRunsIt_ServesReadOnlyAsItsNonRootUser()
    {
        var image = Dockerfile.Load(Repository.Path("deploy", "Dockerfile"));
        Assert.Equal(["/data"], image.Volumes);
        Assert.Equal(["8080"], image.Exposed);
        Assert.Equal("http://+:8080", image.Environment["ASPNETCORE_URLS"]);
        Assert.Equal("/data", image.Environment["TOLLGATE_DATA"]);
        var uid = int.Parse(image.User, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(0, uid);

        // The image's file system: /app from dotnet publish (root's, read-only), an empty /data owned by the image's user,
        // a writable /tmp; the config file is mounted read-only as a ConfigMap or compose bind would be.
        var app = Path.Combine(_root.FullName, "app");
        var data = Path.Combine(_root.FullName, "data");
        var tmp = Path.Combine(_root.FullName, "tmp");
        var home = Path.Combine(_root.FullName, "home");
        var config = Path.Combine(_root.FullName, "config", "tollgate.json");
        await PublishAsync(app);
        foreach (var dir in (string[])[data, tmp, home, Path.GetDirectoryName(config)!])
        {
            Directory.CreateDirectory(dir);
        }

        await File.WriteAllTextAsync(config, $$"""
            { "providers": { "openai": { "base_url": "{{_emulator.OpenAIBaseUrl}}",
              "keys": [{ "name": "oa", "value": "{{GatewayFixture.OpenAIKey}}", "models": ["*"] }] } } }
            """);
        await RunAsync("chmod", "755", _root.FullName);
        await RunAsync("chown", $"{uid}:{uid}", data, tmp);

        var port = FreePort();
        // Only what a container has: the base image's ENV (what mcr.microsoft.com/dotnet/aspnet sets), ours over it, PATH
        // and HOME, and what `docker run -e` would add.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_HTTP_PORTS"] = "8080",
            ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
            ["APP_UID"] = "1654",
        };
        foreach (var (name, value) in image.Environment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = home,
            ["ASPNETCORE_URLS"] = image.Environment["ASPNETCORE_URLS"].Replace(":8080", ":" + port, StringComparison.Ordinal),
            ["TOLLGATE_DATA"] = data,
            ["TOLLGATE_CONFIG"] = config,
            ["TMPDIR"] = tmp,
        })
        {
            environment[name] = value;
        }

        string[] Mapped(string[] command) => [.. command.Select(a => a.StartsWith("/app/", StringComparison.Ordinal) ? Path.Combine(app, a[5..]) : a)];
        var writable = new[] { data, tmp };

        // The sandbox itself: the app folder and everything else refuse writes, the volumes take them.
        var probe = await SandboxedAsync(uid, writable, environment,
            ["/bin/sh", "-c", $"touch {data}/probe && touch {tmp}/probe && ! touch {app}/probe 2>/dev/null && ! touch /var/tmp/tollgate-probe-{port} 2>/dev/null && ! touch {home}/probe 2>/dev/null && id -u"]);
        Assert.True(probe.ExitCode == 0, "the read-only sandbox is not what the test assumes: " + probe);
        Assert.Equal(uid.ToString(System.Globalization.CultureInfo.InvariantCulture), probe.Stdout.Trim());
        File.Delete(Path.Combine(data, "probe"));

        var started = Stopwatch.StartNew();
        var lines = new List<string>();
        using (var gateway = StartSandboxed(uid, writable, environment, Mapped(image.Entrypoint), lines))
        {
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
                await WaitForHealthAsync(client, gateway, lines);
                using (var ready = await client.GetAsync("/ready"))
                {
                    Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                }

                using var chat = await client.PostAsync("/v1/chat/completions", new StringContent(
                    """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"from the image"}]}""", Encoding.UTF8, "application/json"));
                var body = await chat.Content.ReadAsStringAsync();
                Assert.True(chat.StatusCode == HttpStatusCode.OK, body);
                Assert.Contains("You said: from the image", body);

                var healthy = await SandboxedAsync(uid, writable, environment, Mapped(image.HealthCheck));
                Assert.True(healthy.ExitCode == 0, "HEALTHCHECK failed against a healthy gateway: " + healthy);
            }
            finally
            {
                gateway.Kill(entireProcessTree: true);
                await gateway.WaitForExitAsync();
            }
        }

        var unhealthy = await SandboxedAsync(uid, writable, environment, Mapped(image.HealthCheck));
        Assert.NotEqual(0, unhealthy.ExitCode);
        Assert.Contains("healthcheck", unhealthy.Stderr);

        // What it wrote is in the volume, as the image's user: the SQLite store and the generated encryption key.
        var written = Directory.GetFiles(data).Select(Path.GetFileName).ToList();
        Assert.Contains("encryption.key", written);
        Assert.Contains(written, f => f!.EndsWith(".db", StringComparison.Ordinal));
        var owner = await RunAsync("stat", "-c", "%u", Path.Combine(data, "encryption.key"));
        Assert.Equal(uid.ToString(System.Globalization.CultureInfo.InvariantCulture), owner.Stdout.Trim());
        var log = string.Join('\n', lines);
        Assert.DoesNotContain("Read-only file system", log);
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", log);
        Assert.DoesNotContain("\"LogLevel\":\"Critical\"", log);
        // Bound to ASPNETCORE_URLS alone, not also to the base image's ASPNETCORE_HTTP_PORTS.
        var listening = lines.Where(l => l.Contains("Now listening on", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(listening);
        Assert.All(listening, l => Assert.Contains($":{port}", l));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"took {started.Elapsed}");
    }

    private static async Task PublishAsync(string output)
    {
        // The build the tests already made, published as the Dockerfile publishes it (Release there; the tests' own
        // configuration here, so nothing is rebuilt).
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var result = await RunAsync(dotnet, "publish", Repository.Path("src", "Tollgate", "Tollgate.csproj"), "-c", configuration,
            "--no-build", "--nologo", "-v", "q", "-o", output);
        Assert.True(File.Exists(Path.Combine(output, "Tollgate")), "no apphost in the published folder");
    }

    private static Process StartSandboxed(int uid, string[] writable, Dictionary<string, string> environment, string[] command, List<string> lines)
    {
        var start = SandboxStart(uid, writable, environment, command);
        var process = Process.Start(start)!;
        void Collect(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(e.Data);
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<ProcessResult> SandboxedAsync(int uid, string[] writable, Dictionary<string, string> environment, string[] command)
    {
        var start = SandboxStart(uid, writable, environment, command);
        return await ProcessRunner.RunAsync(start.FileName, start.ArgumentList, environment, start.WorkingDirectory, TimeSpan.FromSeconds(30), clearEnvironment: true);
    }

    private static ProcessStartInfo SandboxStart(int uid, string[] writable, Dictionary<string, string> environment, string[] command)
    {
        // The image's WORKDIR is /app (the published folder, next to the volumes): a relative write would hit it, read-only.
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.Combine(Path.GetDirectoryName(writable[0])!, "app"),
        };
        string[] args = ["--mount", "--propagation", "private", "--", "/bin/bash", Repository.Path("tests", "Tollgate.Tests", "Deployment", "run-as-image.sh"),
            uid.ToString(System.Globalization.CultureInfo.InvariantCulture), uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. writable, "--", .. command];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static async Task WaitForHealthAsync(HttpClient client, Process gateway, List<string> lines)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(gateway.HasExited, "the gateway exited: " + string.Join('\n', lines));
            try
            {
                using var response = await client.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail("no /health within 45 s: " + string.Join('\n', lines));
    }

    private static Task<ProcessResult> RunAsync(string file, params string[] args) => ProcessRunner.RunAsync(file, args);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
