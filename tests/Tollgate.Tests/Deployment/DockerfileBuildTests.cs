using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Tollgate.Inference;

namespace Tollgate.Tests.Deployment;

/// <summary>
/// The Dockerfile's build stage run without a container engine: the build context is the repository filtered by
/// .dockerignore, its COPY instructions copy from that context into a scratch /source, and its RUN commands run there
/// with TARGETARCH set as BuildKit sets it (the absolute /app and /data of the image mapped into the scratch folder).
/// It catches a COPY of a file the context lacks, a build that needs a file the stage does not copy, and SDK
/// options it does not take. What it cannot check is the SDK image itself (see docs/deployment.md).
/// </summary>
public sealed partial class DockerfileBuildTests
{
    [Fact]
    public async Task BuildStage_PublishesTheGateway_FromOnlyWhatTheContextAndItsCopiesProvide()
    {
        var root = Directory.CreateTempSubdirectory("tollgate-docker-build-");
        try
        {
            var context = BuildContext();
            Assert.Contains("src/Tollgate/Program.cs", context);
            Assert.DoesNotContain(context, f => f.StartsWith("tests/", StringComparison.Ordinal) || f.Contains("/bin/", StringComparison.Ordinal));

            var workdir = "/";
            var environment = new Dictionary<string, string>
            {
                ["TARGETARCH"] = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            };
            string Map(string path) => path.StartsWith('/') ? Path.Combine(root.FullName, path.TrimStart('/')) : Path.Combine(Map(workdir), path);
            foreach (var (instruction, arguments) in Dockerfile.Stage(Repository.Path("deploy", "Dockerfile"), "build"))
            {
                switch (instruction)
                {
                    case "WORKDIR":
                        workdir = arguments;
                        Directory.CreateDirectory(Map(workdir));
                        break;
                    case "COPY":
                        var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        var destination = Map(parts[^1]);
                        foreach (var from in parts[..^1])
                        {
                            var matched = context.Where(f => f == from || f.StartsWith(from.TrimEnd('/') + "/", StringComparison.Ordinal)).ToList();
                            Assert.True(matched.Count > 0, $"COPY {from}: not in the build context (.dockerignore)");
                            foreach (var file in matched)
                            {
                                var relative = file == from ? Path.GetFileName(file) : file[from.TrimEnd('/').Length..].TrimStart('/');
                                var target = Path.Combine(destination, relative);
                                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                                File.Copy(Repository.Path(file), target, overwrite: true);
                            }
                        }

                        break;
                    case "RUN":
                        var command = ImagePath().Replace(arguments, m => Map(m.Value));
                        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", command], environment, Map(workdir), TimeSpan.FromMinutes(5));
                        Assert.True(result.ExitCode == 0, $"RUN {arguments}\n{result}");
                        break;
                    case "ARG":
                        break;
                    default:
                        Assert.Fail($"the test does not know {instruction} in the build stage");
                        break;
                }
            }

            Assert.True(File.Exists(Map("/app/Tollgate")), "no apphost at /app/Tollgate (the ENTRYPOINT)");
            Assert.True(File.Exists(Map("/app/Tollgate.dll")));
            Assert.True(Directory.Exists(Map("/data")));
            // Published for the target's RID: the SQLite native library of that one platform, no others.
            var natives = Directory.GetFiles(Map("/app"), "libe_sqlite3.so", SearchOption.AllDirectories);
            Assert.Single(natives);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>The repository's files (as git knows them) that .dockerignore lets into the build context.</summary>
    private static HashSet<string> BuildContext()
    {
        var rules = File.ReadAllLines(Repository.Path(".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Include: l.StartsWith('!'), Pattern: Glob(l.TrimStart('!').TrimEnd('/'))))
            .ToList();
        var files = ProcessRunner.RunAsync("git", ["ls-files"]).GetAwaiter().GetResult().Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. files.Where(file =>
        {
            // Docker's rule: the last pattern that matches the path or one of its parent folders decides.
            var included = true;
            foreach (var (include, pattern) in rules)
            {
                if (Prefixes(file).Any(pattern.IsMatch))
                {
                    included = include;
                }
            }

            return included;
        })];
    }

    private static IEnumerable<string> Prefixes(string file)
    {
        var parts = file.Split('/');
        for (var i = 1; i <= parts.Length; i++)
        {
            yield return string.Join('/', parts[..i]);
        }
    }

    private static Regex Glob(string pattern) => new("^" + Regex.Escape(pattern)
        .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
        .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
        .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$");

    // An absolute path of the image in a RUN command (/app, /data), not an option like -o.
    [GeneratedRegex(@"(?<=\s|^)/(app|data|source)\b")]
    private static partial Regex ImagePath();
}
