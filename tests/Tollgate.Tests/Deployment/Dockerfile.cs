using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tollgate.Tests.Deployment;

/// <summary>
/// The final stage of deploy/Dockerfile as a runtime would apply it: its environment, user, volumes, ports, entrypoint
/// and health check, with ARG defaults and ${...} references resolved. Enough Dockerfile for our own file, no more.
/// </summary>
internal sealed partial class Dockerfile
{
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string User { get; private set; } = "0";

    public List<string> Volumes { get; } = [];

    public List<string> Exposed { get; } = [];

    public string[] Entrypoint { get; private set; } = [];

    public string[] HealthCheck { get; private set; } = [];

    public string HealthCheckOptions { get; private set; } = string.Empty;

    public string WorkingDirectory { get; private set; } = "/";

    public static Dockerfile Load(string path)
    {
        var file = new Dockerfile();
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (instruction, rest) in Instructions(File.ReadAllText(path)))
        {
            switch (instruction)
            {
                case "FROM":
                    // A new stage: only the last one's settings are the image's.
                    file = new Dockerfile();
                    args.Clear();
                    break;
                case "ARG":
                    var (name, value) = Split(rest);
                    args[name] = value ?? string.Empty;
                    break;
                case "ENV":
                    foreach (Match pair in EnvPair().Matches(rest))
                    {
                        file.Environment[pair.Groups[1].Value] = Expand(pair.Groups[2].Value.Trim('"'), args, file.Environment);
                    }

                    break;
                case "USER":
                    file.User = Expand(rest.Trim(), args, file.Environment);
                    break;
                case "WORKDIR":
                    file.WorkingDirectory = rest.Trim();
                    break;
                case "VOLUME":
                    file.Volumes.AddRange(JsonSerializer.Deserialize<string[]>(rest)!);
                    break;
                case "EXPOSE":
                    file.Exposed.AddRange(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "ENTRYPOINT":
                    file.Entrypoint = JsonSerializer.Deserialize<string[]>(rest)!;
                    break;
                case "HEALTHCHECK":
                    var cmd = rest.IndexOf(" CMD ", StringComparison.Ordinal);
                    file.HealthCheckOptions = rest[..cmd];
                    file.HealthCheck = JsonSerializer.Deserialize<string[]>(rest[(cmd + 5)..])!;
                    break;
            }
        }

        return file;
    }

    /// <summary>The instructions of the stage named <paramref name="stage"/> (<c>FROM ... AS stage</c>), FROM excluded.</summary>
    public static List<(string Instruction, string Arguments)> Stage(string path, string stage)
    {
        var all = Instructions(File.ReadAllText(path)).ToList();
        var start = all.FindIndex(i => i.Instruction == "FROM" && i.Arguments.EndsWith(" AS " + stage, StringComparison.OrdinalIgnoreCase));
        Assert.True(start >= 0, $"no stage {stage}");
        return [.. all.Skip(start + 1).TakeWhile(i => i.Instruction != "FROM")];
    }

    private static IEnumerable<(string Instruction, string Arguments)> Instructions(string text)
    {
        var logical = string.Empty;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                logical += line[..^1] + " ";
                continue;
            }

            logical += line;
            if (logical.Trim().Length > 0)
            {
                var trimmed = logical.Trim();
                var space = trimmed.IndexOf(' ');
                yield return (trimmed[..space].ToUpperInvariant(), trimmed[(space + 1)..].Trim());
            }

            logical = string.Empty;
        }
    }

    private static (string Name, string? Value) Split(string rest)
    {
        var equals = rest.IndexOf('=');
        return equals < 0 ? (rest.Trim(), null) : (rest[..equals].Trim(), rest[(equals + 1)..].Trim());
    }

    private static string Expand(string value, Dictionary<string, string> args, Dictionary<string, string> env) =>
        Reference().Replace(value, m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return env.TryGetValue(name, out var e) ? e : args.GetValueOrDefault(name, string.Empty);
        });

    // NAME=value pairs of one ENV instruction; a value may be empty (ASPNETCORE_HTTP_PORTS=).
    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Reference();
}
