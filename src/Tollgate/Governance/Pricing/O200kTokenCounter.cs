using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Numerics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Tollgate.Governance.Pricing;

/// <summary>
/// Counts o200k_base tokens (gpt-4o and later) the way tiktoken does: split on the special tokens, pre-tokenise with
/// o200k's regex, then byte-pair merge each piece by rank. Only counting is needed, so the vocabulary is held as one
/// byte blob and an open-addressing table of indexes into it: about 5 MB, where Microsoft.ML.Tokenizers' encoder,
/// decoder and string vocabulary take about 55 MB of a gateway's memory for the same file.
/// </summary>
/// <remarks>
/// The vocabulary is the <c>o200k_base.tiktoken.deflate</c> resource of the Microsoft.ML.Tokenizers.Data.O200kBase
/// package (a capacity line, then one base64 token per line in rank order). Counts equal
/// <c>TiktokenTokenizer.CreateForModel("gpt-4o").CountTokens</c>; a test holds the two to it over a mixed corpus.
/// Thread-safe after construction.
/// </remarks>
internal sealed partial class O200kTokenCounter
{
    private const string VocabularyAssembly = "Microsoft.ML.Tokenizers.Data.O200kBase";
    private const string VocabularyResource = "o200k_base.tiktoken.deflate";

    // Special tokens gpt-4o's tokenizer recognises in text; each counts as one token.
    private static readonly string[] SpecialTokens = ["<|endoftext|>", "<|endofprompt|>"];

    // Pieces up to this many UTF-8 bytes are merged on the stack.
    private const int StackBytes = 256;

    private readonly byte[] _bytes;
    private readonly int[] _starts; // token i is _bytes[_starts[i].._starts[i + 1]]
    private readonly int[] _ranks;
    private readonly int _count;
    private readonly int[] _slots;  // token index + 1, or 0 for empty
    private readonly int _mask;

    private O200kTokenCounter(byte[] bytes, int[] starts, int[] ranks, int count)
    {
        _bytes = bytes;
        _starts = starts;
        _ranks = ranks;
        _count = count;
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)(count * 2));
        _slots = new int[size];
        _mask = size - 1;
        for (var i = 0; i < count; i++)
        {
            var slot = Hash(Token(i)) & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = i + 1;
        }
    }

    /// <summary>Tokens in the vocabulary (the special tokens not included).</summary>
    public int VocabularySize => _count;

    /// <summary>Reads the vocabulary from the data package; about 100 ms.</summary>
    public static O200kTokenCounter Load()
    {
        using var resource = Assembly.Load(VocabularyAssembly).GetManifestResourceStream(VocabularyResource)
            ?? throw new InvalidOperationException($"{VocabularyAssembly} has no resource {VocabularyResource}");
        using var deflate = new DeflateStream(resource, CompressionMode.Decompress);
        var builder = new VocabularyBuilder();

        // Lines are parsed as bytes from one pooled buffer: 200,000 line strings would be 10 MB of garbage that stays
        // committed in an idle gateway's heap.
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var filled = 0;
            while (true)
            {
                var read = deflate.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                var lines = buffer.AsSpan(0, filled);
                int newline;
                while ((newline = lines.IndexOf((byte)'\n')) >= 0)
                {
                    builder.AddLine(lines[..newline].TrimEnd((byte)'\r'));
                    lines = lines[(newline + 1)..];
                }

                if (read == 0)
                {
                    builder.AddLine(lines.TrimEnd((byte)'\r'));
                    break;
                }

                lines.CopyTo(buffer);
                filled = lines.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new O200kTokenCounter(builder.Bytes, builder.Starts, builder.Ranks, builder.Count);
    }

    /// <summary>
    /// Collects "base64" (rank = line order) or "base64 rank" lines after an optional "Capacity: N" line, the format of
    /// tiktoken files and of the package's copy. Arrays are sized from the capacity and kept as allocated: trimming
    /// copies would be garbage an idle gateway never collects. o200k holds 1.4 MB of token bytes.
    /// </summary>
    private sealed class VocabularyBuilder
    {
        private static ReadOnlySpan<byte> CapacityPrefix => "Capacity: "u8;

        public byte[] Bytes = new byte[3 * 1024 * 512];
        public int[] Starts = [0];
        public int[] Ranks = [];
        public int Count;
        private int _capacity = 200_000;
        private int _used;

        public void AddLine(ReadOnlySpan<byte> line)
        {
            if (line.IsEmpty)
            {
                return;
            }

            if (line.StartsWith(CapacityPrefix))
            {
                _capacity = Utf8Parser.TryParse(line[CapacityPrefix.Length..], out int capacity, out _) ? capacity : _capacity;
                return;
            }

            if (Count == Ranks.Length)
            {
                Array.Resize(ref Ranks, Math.Max(_capacity, Count * 2));
                Array.Resize(ref Starts, Ranks.Length + 1);
            }

            var space = line.IndexOf((byte)' ');
            var encoded = space < 0 ? line : line[..space];
            var rank = Count;
            Span<byte> token = stackalloc byte[256];
            if (Base64.DecodeFromUtf8(encoded, token, out _, out var length) != OperationStatus.Done
                || (space >= 0 && !Utf8Parser.TryParse(line[(space + 1)..], out rank, out _)))
            {
                throw new InvalidDataException($"{VocabularyResource}: bad line {Count + 1}");
            }

            if (_used + length > Bytes.Length)
            {
                Array.Resize(ref Bytes, Bytes.Length * 2);
            }

            token[..length].CopyTo(Bytes.AsSpan(_used));
            _used += length;
            Ranks[Count] = rank;
            Starts[++Count] = _used;
        }
    }

    /// <summary>Tokens in <paramref name="text"/>, special tokens included.</summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var total = 0;
        while (!text.IsEmpty)
        {
            var (at, length) = NextSpecialToken(text);
            total += CountOrdinary(text[..at]);
            if (length == 0)
            {
                break;
            }

            total++;
            text = text[(at + length)..];
        }

        return total;
    }

    private static (int At, int Length) NextSpecialToken(ReadOnlySpan<char> text)
    {
        var searched = 0;
        while (true)
        {
            var at = text[searched..].IndexOf("<|", StringComparison.Ordinal);
            if (at < 0)
            {
                return (text.Length, 0);
            }

            at += searched;
            foreach (var special in SpecialTokens)
            {
                if (text[at..].StartsWith(special, StringComparison.Ordinal))
                {
                    return (at, special.Length);
                }
            }

            searched = at + 2;
        }
    }

    private int CountOrdinary(ReadOnlySpan<char> text)
    {
        var total = 0;
        foreach (var match in PreTokenizer().EnumerateMatches(text))
        {
            total += CountPiece(text.Slice(match.Index, match.Length));
        }

        return total;
    }

    private int CountPiece(ReadOnlySpan<char> piece)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(piece.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(piece, buffer);
            return CountBytes(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>tiktoken's byte_pair_merge: repeatedly join the adjacent pair whose bytes have the lowest rank.</summary>
    private int CountBytes(ReadOnlySpan<byte> piece)
    {
        if (piece.Length <= 1 || Rank(piece) >= 0)
        {
            return piece.Length == 0 ? 0 : 1;
        }

        // parts[i] = start of part i; ranks[i] = rank of parts i and i+1 joined (int.MaxValue when not a token).
        var count = piece.Length + 1;
        int[]? rentedStarts = null, rentedRanks = null;
        var starts = count <= StackBytes ? stackalloc int[count] : (rentedStarts = ArrayPool<int>.Shared.Rent(count));
        var ranks = count <= StackBytes ? stackalloc int[count] : (rentedRanks = ArrayPool<int>.Shared.Rent(count));
        try
        {
            for (var i = 0; i < count; i++)
            {
                starts[i] = i;
            }

            for (var i = 0; i < count - 2; i++)
            {
                ranks[i] = PairRank(piece, starts, count, i);
            }

            ranks[count - 2] = int.MaxValue;
            ranks[count - 1] = int.MaxValue;

            while (count > 2)
            {
                var best = int.MaxValue;
                var at = -1;
                for (var i = 0; i < count - 2; i++)
                {
                    if (ranks[i] < best)
                    {
                        best = ranks[i];
                        at = i;
                    }
                }

                if (at < 0)
                {
                    break;
                }

                // Join part at with part at+1: drop boundary at+1, then re-rank the pairs that now end or start at 'at'.
                RemoveAt(starts, at + 1, count);
                RemoveAt(ranks, at + 1, count);
                count--;
                ranks[at] = PairRank(piece, starts, count, at);
                if (at > 0)
                {
                    ranks[at - 1] = PairRank(piece, starts, count, at - 1);
                }
            }

            return count - 1;
        }
        finally
        {
            if (rentedStarts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedStarts);
                ArrayPool<int>.Shared.Return(rentedRanks!);
            }
        }
    }

    private static void RemoveAt(Span<int> values, int index, int count) => values[(index + 1)..count].CopyTo(values[index..]);

    // Rank of parts i and i+1 joined: the bytes from starts[i] to starts[i + 2].
    private int PairRank(ReadOnlySpan<byte> piece, ReadOnlySpan<int> starts, int count, int i)
    {
        if (i + 2 >= count)
        {
            return int.MaxValue;
        }

        var rank = Rank(piece[starts[i]..starts[i + 2]]);
        return rank < 0 ? int.MaxValue : rank;
    }

    /// <summary>The token's rank, or -1 when these bytes are not a token.</summary>
    private int Rank(ReadOnlySpan<byte> bytes)
    {
        var slot = Hash(bytes) & _mask;
        while (_slots[slot] is var entry and not 0)
        {
            if (Token(entry - 1).SequenceEqual(bytes))
            {
                return _ranks[entry - 1];
            }

            slot = (slot + 1) & _mask;
        }

        return -1;
    }

    private ReadOnlySpan<byte> Token(int index) => _bytes.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    // tiktoken's o200k_base pattern (tiktoken_ext/openai_public.py).
    [GeneratedRegex(@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex PreTokenizer();
}
