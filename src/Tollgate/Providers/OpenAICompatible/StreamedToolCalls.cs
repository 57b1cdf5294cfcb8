namespace Tollgate.Providers.OpenAICompatible;

/// <summary>Which gathered call an OpenAI tool call fragment belongs to, the same way for every dialect that streams calls.</summary>
internal static class StreamedToolCalls
{
    /// <summary>The call <paramref name="fragment"/> continues, or null when it starts a new one.</summary>
    public static T? Continued<T>(List<T> calls, ChunkToolCall fragment, ReadOnlySpan<byte> chunk)
        where T : class, IStreamedToolCall
    {
        if (fragment.Index >= 0)
        {
            foreach (var known in calls)
            {
                if (known.OpenAIIndex == fragment.Index)
                {
                    return known;
                }
            }
        }
        else if (calls.Count > 0)
        {
            // Without an index, a fragment continues the latest call unless it brings a different id.
            var latest = calls[^1];
            if (!OpenAIChunkReader.IsNonEmpty(fragment.Id) || (latest.CallId is not null && chunk[fragment.Id].SequenceEqual(latest.CallId)))
            {
                return latest;
            }
        }

        return null;
    }
}
