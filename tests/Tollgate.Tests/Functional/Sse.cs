using System.Text.Json;

namespace Tollgate.Tests.Functional;

/// <summary>Reads an SSE response body into its data payloads, for assertions.</summary>
internal static class Sse
{
    public static async Task<List<string>> ReadDataAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]))
            .Select(lines => string.Join('\n', lines))
            .Where(d => d.Length > 0)
            .ToList();
    }

    public static string JoinedContent(IEnumerable<string> data) => string.Concat(data
        .Where(d => d != "[DONE]")
        .Select(d => JsonDocument.Parse(d).RootElement)
        .Where(e => e.TryGetProperty("choices", out var c) && c.GetArrayLength() > 0)
        .Select(e => e.GetProperty("choices")[0].GetProperty("delta"))
        .Select(delta => delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : ""));
}
