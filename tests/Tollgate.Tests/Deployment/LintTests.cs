namespace Tollgate.Tests.Deployment;

/// <summary>
/// Linters over deploy/: yamllint (Debian) over the YAML files and over what the chart renders, and dockerfile-utils
/// (npm; hadolint is not packaged for Debian) over the Dockerfile. scripts/test.sh installs both.
/// </summary>
public sealed class LintTests
{
    private static readonly string Config = Repository.Path("deploy", ".yamllint.yaml");

    [Fact]
    public async Task YamlLint_PassesOverDeploy()
    {
        // From deploy/, so the config's ignore patterns (relative paths) match.
        var result = await ProcessRunner.RunAsync(YamlLint(), ["-c", Config, "-f", "parsable", "."], workingDirectory: Repository.Path("deploy"));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task YamlLint_PassesOverTheRenderedChart()
    {
        const string cluster = """
            replicaCount: 3
            secrets: { existingSecret: s }
            postgres: { existingSecret: pg }
            redis: { existingSecret: r }
            providerSecrets: { existingSecret: p }
            autoscaling: { enabled: true }
            serviceMonitor: { enabled: true, labels: { release: prometheus } }
            proxy: { httpsProxy: "http://proxy:3128" }
            extraEnv: [{ name: DOTNET_gcServer, value: "0" }]
            config: { providers: { openai: { keys: [{ name: oa, value: env.OPENAI_API_KEY }] } } }
            """;
        foreach (var values in (string[][])[[], [cluster]])
        {
            var chart = await ChartRenderer.RenderAsync(values);
            var file = Path.Combine(Path.GetTempPath(), $"tollgate-rendered-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(file, chart.Text);
            try
            {
                var result = await ProcessRunner.RunAsync(YamlLint(), ["-c", Config, "-f", "parsable", file]);
                Assert.True(result.ExitCode == 0, result + "\n" + chart.Text);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task Dockerfile_PassesTheLinter_WhichRefusesABrokenOne()
    {
        var good = await LintDockerfileAsync(Repository.Path("deploy", "Dockerfile"));
        var brokenFile = Path.Combine(Path.GetTempPath(), $"tollgate-broken-{Guid.NewGuid():N}.Dockerfile");
        await File.WriteAllTextAsync(brokenFile, "FROM scratch\nHEALTHCHECK --intervall=5s CMD [\"/app/Tollgate\"]\nEXPOSE http\n");
        ProcessResult broken;
        try
        {
            broken = await LintDockerfileAsync(brokenFile);
        }
        finally
        {
            File.Delete(brokenFile);
        }

        Assert.True(good.ExitCode == 0 && good.Stdout.Trim().Length == 0, good.ToString());
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("Unknown flag: intervall", broken.Stdout + broken.Stderr);
    }

    private static Task<ProcessResult> LintDockerfileAsync(string path)
    {
        var cli = Repository.Path("tests", "deploy-lint", "node_modules", "dockerfile-utils", "bin", "dockerfile-utils");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"{cli} is missing: run ./scripts/test.sh (it runs npm ci in tests/deploy-lint).");
        }

        return ProcessRunner.RunAsync(ProcessRunner.Which("node") ?? "node", [cli, "lint", path]);
    }

    private static string YamlLint() => ProcessRunner.Which("yamllint") ?? throw new InvalidOperationException(
        "yamllint is not installed: run ./scripts/test.sh (it installs Debian's yamllint).");
}
