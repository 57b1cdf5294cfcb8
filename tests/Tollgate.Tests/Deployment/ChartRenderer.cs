using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Tollgate.Tests.Deployment;

/// <summary>
/// Renders deploy/helm/tollgate with tests/chart-render (Go's text/template with sprig and helm's own functions, built
/// from Debian's packages: no helm on these machines). <c>TOLLGATE_CHART_RENDER</c> names a prebuilt renderer; otherwise
/// it is built once per run with Debian's Go (scripts/test.sh installs golang-go and the libraries).
/// </summary>
internal static class ChartRenderer
{
    public static string ChartDirectory { get; } = Repository.Path("deploy", "helm", "tollgate");

    private static readonly Lazy<Task<string>> Binary = new(BuildAsync);

    /// <summary>Renders with each YAML text as a values file (later ones win, as with helm's -f); fails the test on a render error.</summary>
    public static async Task<RenderedChart> RenderAsync(params string[] values)
    {
        var (result, merged) = await RunAsync(values, notes: false);
        Assert.True(result.ExitCode == 0, "the chart did not render: " + result);
        var objects = Yaml.LoadAll(result.Stdout).OfType<JsonObject>().ToList();
        return new RenderedChart(result.Stdout, objects, merged!);
    }

    /// <summary>Renders only NOTES.txt's text (with the manifests, as helm install prints it).</summary>
    public static async Task<string> RenderNotesAsync(params string[] values)
    {
        var (result, _) = await RunAsync(values, notes: true);
        Assert.True(result.ExitCode == 0, "the chart did not render: " + result);
        var start = result.Stdout.IndexOf("# Source: tollgate/templates/NOTES.txt", StringComparison.Ordinal);
        Assert.True(start >= 0, "no NOTES.txt in the output");
        var end = result.Stdout.IndexOf("\n---\n", start, StringComparison.Ordinal);
        return end < 0 ? result.Stdout[start..] : result.Stdout[start..end];
    }

    /// <summary>The renderer's error for values the chart must refuse (fails the test when they render).</summary>
    public static async Task<string> RenderErrorAsync(params string[] values)
    {
        var (result, _) = await RunAsync(values, notes: false);
        Assert.True(result.ExitCode != 0, "the chart rendered values it should refuse:\n" + result.Stdout);
        return result.Stderr;
    }

    private static async Task<(ProcessResult Result, JsonObject? Values)> RunAsync(string[] values, bool notes)
    {
        var binary = await Binary.Value;
        var directory = Directory.CreateTempSubdirectory("tollgate-chart-");
        try
        {
            var args = new List<string>();
            for (var i = 0; i < values.Length; i++)
            {
                var file = Path.Combine(directory.FullName, $"values-{i}.yaml");
                await File.WriteAllTextAsync(file, values[i]);
                args.AddRange(["-f", file]);
            }

            var merged = Path.Combine(directory.FullName, "merged.json");
            args.AddRange(["-values-out", merged, "-release", "tollgate", "-namespace", "llm"]);
            if (notes)
            {
                args.Add("-notes");
            }

            args.Add(ChartDirectory);
            var result = await ProcessRunner.RunAsync(binary, args);
            var mergedValues = File.Exists(merged) ? JsonNode.Parse(await File.ReadAllTextAsync(merged))!.AsObject() : null;
            return (result, mergedValues);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string> BuildAsync()
    {
        if (Environment.GetEnvironmentVariable("TOLLGATE_CHART_RENDER") is { Length: > 0 } prebuilt)
        {
            return prebuilt;
        }

        var go = ProcessRunner.Which("go") ?? throw new InvalidOperationException(
            "The chart tests render deploy/helm/tollgate with tests/chart-render, which needs Go and its libraries from Debian " +
            "(golang-go golang-github-masterminds-sprig-dev golang-github-ghodss-yaml-dev). Run ./scripts/test.sh: it installs them.");
        var source = Repository.Path("tests", "chart-render");
        // Keyed by the source, so parallel and later runs reuse one build and a changed renderer is rebuilt.
        var hash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(source, "main.go"))))[..16];
        var binary = Path.Combine(Path.GetTempPath(), "tollgate-chart-render-" + hash, "chart-render");
        if (File.Exists(binary))
        {
            return binary;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        var partial = binary + "." + Guid.NewGuid().ToString("N");
        var result = await ProcessRunner.RunAsync(go, ["build", "-o", partial, "."], new Dictionary<string, string>
        {
            // Debian's Go libraries live in a GOPATH tree (/usr/share/gocode), not in a module cache.
            ["GO111MODULE"] = "off",
            ["GOPATH"] = "/usr/share/gocode",
            ["GOFLAGS"] = string.Empty,
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "tollgate-go-cache"),
        }, workingDirectory: source, timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, "go build of tests/chart-render failed: " + result);
        File.Move(partial, binary, overwrite: true);
        return binary;
    }
}
