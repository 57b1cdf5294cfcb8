using System.Collections.Concurrent;

namespace Tollgate.Governance.Pricing;

/// <summary>The o200k tokenizer behind <see cref="TokenEstimator"/>, with a bounded cache of recent counts.</summary>
internal static class TokenCountCache
{
    // Token counts of strings seen recently, by exact content: system prompts, tool definitions and the earlier turns
    // of a conversation come back on every request, and counting them again costs microseconds each (regex
    // pre-tokenisation plus BPE) where a lookup costs a hash. The count is the tokenizer's, so estimates do not change.
    // Bounded by the characters it holds (plus a per-entry overhead); when full it starts over.
    private const int MaxCachedChars = 16 * 1024;
    private const int CacheEntryOverheadChars = 48;
    private const long CacheCharBudget = 2 * 1024 * 1024;
    private static readonly ConcurrentDictionary<string, int> CountCache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> CountLookup =
        CountCache.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly Lock CacheResetLock = new();
    private static long _cachedChars;

    private static readonly Lazy<O200kTokenCounter> SharedCounter = new(O200kTokenCounter.Load);

    // Loaded on the first estimate (or at start-up when budgets or token limits exist), so a gateway without them
    // never reads the vocabulary. The compact counter holds it in ~5 MB; Microsoft.ML.Tokenizers took ~55 MB.
    internal static O200kTokenCounter Counter => SharedCounter.Value;

    /// <summary>The tokenizer's count of the text, from the cache when the same text was counted recently.</summary>
    public static int Count(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxCachedChars)
        {
            return Counter.CountTokens(text);
        }

        if (CountLookup.TryGetValue(text, out var count))
        {
            return count;
        }

        count = Counter.CountTokens(text);
        var size = text.Length + CacheEntryOverheadChars;
        if (Interlocked.Add(ref _cachedChars, size) > CacheCharBudget)
        {
            lock (CacheResetLock)
            {
                if (Volatile.Read(ref _cachedChars) > CacheCharBudget)
                {
                    CountCache.Clear();
                    Volatile.Write(ref _cachedChars, size);
                }
            }
        }

        CountLookup.TryAdd(text, count);
        return count;
    }
}
