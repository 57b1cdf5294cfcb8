namespace Tollgate.Emulator.Script;

/// <summary>Decides the deterministic reply, so tests can assert exact text and token counts.</summary>
internal static class ReplyPlanner
{
    public const string ToolArguments = """{"location":"Paris"}""";

    // Two fragments, so a gateway that forwards only the first argument delta is caught.
    private static readonly string[] ToolArgumentFragments = ["""{"location":""", "\"Paris\"}"];

    public static ReplyPlan Plan(ChatInput input, string provider)
    {
        if (input.ToolToCall is string tool && input.LastIsUser)
        {
            return new ReplyPlan(
                string.Empty,
                new ToolCallPlan(tool, ToolArguments, ToolArgumentFragments),
                FinishKind.ToolCall,
                null,
                input.PromptTokens,
                Words.Count(tool) + Words.Count(ToolArguments));
        }

        var text = input.ToolResultText is string result
            ? "Tool said: " + result
            : $"Hello from {provider}! You said: {input.LastUserText}";
        var finish = FinishKind.Stop;
        string? matchedStop = null;

        var stopAt = -1;
        foreach (var stop in input.StopSequences)
        {
            var at = stop.Length == 0 ? -1 : text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt))
            {
                stopAt = at;
                matchedStop = stop;
            }
        }

        if (stopAt >= 0)
        {
            text = text[..stopAt];
            finish = FinishKind.StopSequence;
        }

        if (input.MaxTokens is int max && Words.Count(text) > max)
        {
            text = Words.Take(text, max);
            finish = FinishKind.Length;
            matchedStop = null;
        }

        return new ReplyPlan(text, null, finish, matchedStop, input.PromptTokens, Words.Count(text));
    }
}
