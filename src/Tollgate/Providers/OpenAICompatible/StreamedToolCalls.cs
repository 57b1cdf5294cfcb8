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

    /// <summary>The call <paramref name="fragment"/> continues, or a new one made by <paramref name="create"/> (given the upstream index) and added.</summary>
    public static T ContinuedOrAdded<T>(List<T> calls, ChunkToolCall fragment, ReadOnlySpan<byte> chunk, Func<int, T> create)
        where T : class, IStreamedToolCall
    {
        if (Continued(calls, fragment, chunk) is { } known)
        {
            return known;
        }

        var call = create(fragment.Index);
        calls.Add(call);
        return call;
    }

    /// <summary>
    /// Keeps the first id and name the fragments bring: providers that repeat them on every fragment are read once.
    /// </summary>
    public static void TakeIdentity(IStreamedToolCall call, ChunkToolCall fragment, ReadOnlySpan<byte> chunk)
    {
        if (call.CallId is null && OpenAIChunkReader.IsNonEmpty(fragment.Id))
        {
            call.CallId = chunk[fragment.Id].ToArray();
        }

        if (call.Name is null && OpenAIChunkReader.IsNonEmpty(fragment.Name))
        {
            call.Name = chunk[fragment.Name].ToArray();
        }
    }
}
