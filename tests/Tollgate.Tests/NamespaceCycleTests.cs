using System.Text.RegularExpressions;

namespace Tollgate.Tests;

/// <summary>
/// The top-level folders of <c>src/Tollgate</c> (one namespace each) must not depend on each other in a cycle (issue 13).
/// A source scan: a file depends on folder X when it has <c>using Tollgate.X</c> or names <c>Tollgate.X.Type</c> or, from
/// inside <c>namespace Tollgate.*</c>, <c>X.Type</c> (comments and strings are left out). The root files (Program,
/// TollgateApp) compose everything and do not count.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    /// <summary>
    /// Edges allowed to close a cycle: none since session 7. The layering, low to high: Configuration (the file's core
    /// vocabulary; features read their sections through <c>IConfigSectionReader</c> and extension properties), Inference
    /// (the HttpContext-free request vocabulary), Storage, Governance, Hosting (which instance leads), Streaming (SSE,
    /// translators, sinks), Providers (wire clients and key health), Observability, Routing, Pipeline (the orchestrator),
    /// Api, Secrets, Cluster, Audit, Operations, Guardrails, Identity. A lower folder that needs a higher one gets a seam
    /// (an interface in the lower folder), not an entry here.
    /// </summary>
    private static readonly (string From, string To, string Why)[] KnownCycleEdges = [];

    [Fact]
    public void TopLevelFolders_DependOnEachOtherWithoutCycles_BeyondTheShrinkingList()
    {
        var graph = ScanDependencies();

        foreach (var (from, to, _) in KnownCycleEdges)
        {
            Assert.True(graph.TryGetValue(from, out var targets) && targets.Remove(to),
                $"{from} -> {to} no longer exists: remove it from KnownCycleEdges.");
        }

        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"Namespace cycle among top-level folders: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void Scanner_FindsUsingsAndQualifiedNames_ButNotCommentsOrStrings()
    {
        var folders = new[] { "Api", "Pipeline", "Routing" };
        const string source = """
            using Tollgate.Api;
            namespace Tollgate.Streaming;
            // Pipeline.Nothing in a comment
            class C { string s = "Routing.NotAType"; object o = Pipeline.GatewayError.BadRequest(""); }
            """;

        Assert.Equal(["Api", "Pipeline"], DependenciesOf(source, folders).Order());
    }

    private static Dictionary<string, HashSet<string>> ScanDependencies()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Tollgate");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(name => name is not ("bin" or "obj" or "Properties") && Directory.EnumerateFiles(Path.Combine(root, name), "*.cs", SearchOption.AllDirectories).Any())
            .ToArray();
        Assert.Contains("Pipeline", folders);
        var graph = folders.ToDictionary(folder => folder, _ => new HashSet<string>());
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                graph[folder].UnionWith(DependenciesOf(File.ReadAllText(file), folders).Where(target => target != folder));
            }
        }

        return graph;
    }

    private static HashSet<string> DependenciesOf(string source, string[] folders)
    {
        var code = Literals().Replace(source, "\"\"");
        var names = string.Join('|', folders);
        var found = new HashSet<string>();
        foreach (Match match in Regex.Matches(code, $@"(?<![\w.])(?:global::)?(?:Tollgate\.)?({names})\.[A-Z]"))
        {
            found.Add(match.Groups[1].Value);
        }

        foreach (Match match in Regex.Matches(code, $@"^\s*using\s+(?:static\s+)?Tollgate\.({names})\b", RegexOptions.Multiline))
        {
            found.Add(match.Groups[1].Value);
        }

        return found;
    }

    /// <summary>A cycle as the folders along it, or null (depth-first search for a back edge).</summary>
    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph[node].Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path[path.IndexOf(next)..], next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tollgate.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    // Comments, raw and verbatim strings, ordinary strings and chars: none of them is a dependency.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""""""(?:.|\n)*?""""""|@""(?:[^""]|"""")*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline)]
    private static partial Regex Literals();
}
