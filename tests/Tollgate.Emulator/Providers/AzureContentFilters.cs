using System.Text.Json.Nodes;

namespace Tollgate.Emulator.Providers;

/// <summary>Azure's content-filter annotations. Their extra fields (and the empty-choices first chunk) trip naive clients.</summary>
internal static class AzureContentFilters
{
    public static JsonObject Results() => new()
    {
        ["hate"] = Safe(),
        ["self_harm"] = Safe(),
        ["sexual"] = Safe(),
        ["violence"] = Safe(),
    };

    public static JsonArray PromptResults() =>
    [
        new JsonObject { ["prompt_index"] = 0, ["content_filter_results"] = Results() },
    ];

    /// <summary>The chunk Azure sends before any content: no id, no model, empty <c>choices</c>.</summary>
    public static JsonObject PromptFilterChunk() => new()
    {
        ["choices"] = new JsonArray(),
        ["created"] = 0,
        ["id"] = string.Empty,
        ["model"] = string.Empty,
        ["object"] = string.Empty,
        ["prompt_filter_results"] = PromptResults(),
    };

    private static JsonObject Safe() => new() { ["filtered"] = false, ["severity"] = "safe" };
}
