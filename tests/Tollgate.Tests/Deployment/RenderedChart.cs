using System.Text.Json.Nodes;

namespace Tollgate.Tests.Deployment;

/// <summary>What the chart renders for one set of values: the manifests as text and as objects, and the merged values.</summary>
internal sealed record RenderedChart(string Text, IReadOnlyList<JsonObject> Objects, JsonObject Values)
{
    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind) => Assert.Single(OfKind(kind));

    public IEnumerable<string> Kinds => Objects.Select(o => (string)o["kind"]!).Order(StringComparer.Ordinal);

    public JsonObject Deployment => Single("Deployment");

    public JsonObject PodSpec => Deployment["spec"]!["template"]!["spec"]!.AsObject();

    public JsonObject Container => Assert.Single(PodSpec["containers"]!.AsArray())!.AsObject();

    /// <summary>The container's environment variables by name (the EnvVar objects).</summary>
    public Dictionary<string, JsonObject> Env =>
        Container["env"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!, StringComparer.Ordinal);
}
