using System.Diagnostics;

namespace Tollgate.Tests.Sdk;

/// <summary>
/// Runs one scenario of a script in <c>tests/sdk-node</c> with node, for the tests that drive Tollgate with the npm
/// SDKs. scripts/test.sh runs <c>npm ci</c> there and points <c>TOLLGATE_SDK_NODE_DIR</c> at it; without that variable
/// the folder is looked up from the test assembly's directory upwards.
/// </summary>
internal static class NodeRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The <c>tests/sdk-node</c> directory; fails the test when <paramref name="package"/> (e.g. <c>openai</c> or
    /// <c>@anthropic-ai/sdk</c>) is not installed in its node_modules.
    /// </summary>
    public static string SdkNodeDirectory(string package)
    {
        var configured = Environment.GetEnvironmentVariable("TOLLGATE_SDK_NODE_DIR");
        var directory = configured ?? FindUpwards(AppContext.BaseDirectory, Path.Combine("tests", "sdk-node"));
        Assert.True(directory is not null && Directory.Exists(Path.Combine(directory, "node_modules", package)),
            "tests/sdk-node/node_modules is missing: run ./scripts/test.sh (it runs npm ci) or npm ci in tests/sdk-node.");
        return directory!;
    }

    /// <summary>
    /// Runs <c>node &lt;script&gt; &lt;scenario&gt;</c> in the sdk-node directory and asserts it exits 0; a failure shows
    /// the scenario's stdout (its JSON summary) and stderr. <paramref name="environment"/> is set on top of this process's
    /// environment; a null value removes that variable.
    /// </summary>
    public static async Task AssertScenarioPassesAsync(
        string package, string script, string scenario, string model, IReadOnlyDictionary<string, string?> environment)
    {
        var directory = SdkNodeDirectory(package);
        var start = new ProcessStartInfo("node", [Path.Combine(directory, script), scenario])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Leave no node behind: a hung scenario would otherwise outlive the test run.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"node {script} {scenario} {model} did not exit within {Timeout.TotalSeconds:0}s\n{await stdout}\n{await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"node {scenario} {model} exited {process.ExitCode}\n{await stdout}\n{await stderr}");
    }

    private static string? FindUpwards(string start, string relative)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
