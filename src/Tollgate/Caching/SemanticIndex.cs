using System.Numerics;
using System.Runtime.InteropServices;
using Tollgate.Configuration;

namespace Tollgate.Caching;

/// <summary>
/// The semantic cache's vectors, in this process: grouped by context (scope, namespace, model, parameters and the
/// conversation before the last user turn, hashed), so a lookup compares only vectors that could be served, each by
/// cosine similarity (a SIMD dot product of unit vectors). Bounded by <c>cache.semantic.max_entries</c>, oldest dropped first;
/// expired vectors are skipped and dropped. A vector points at the exact key its answer was stored under.
/// </summary>
internal sealed class SemanticIndex(GatewayConfigMonitor config, TimeProvider time)
{
    private readonly Dictionary<UInt128, List<Entry>> _groups = [];
    private readonly Queue<(UInt128 Context, Entry Entry)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _order.Count;
            }
        }
    }

    public void Add(UInt128 context, float[] vector, UInt128 answerKey, long expiresAtMs)
    {
        var entry = new Entry(Normalised(vector), answerKey, expiresAtMs);
        var limit = config.Current.Cache.Semantic.MaxEntries;
        lock (_lock)
        {
            if (!_groups.TryGetValue(context, out var group))
            {
                _groups[context] = group = [];
            }

            group.RemoveAll(e => e.AnswerKey == answerKey);
            group.Add(entry);
            _order.Enqueue((context, entry));
            while (_order.Count > limit && _order.TryDequeue(out var oldest))
            {
                Remove(oldest.Context, oldest.Entry);
            }
        }
    }

    /// <summary>The answer key of the most similar live vector in <paramref name="context"/> at or above the threshold.</summary>
    public (UInt128 AnswerKey, float Similarity)? Find(UInt128 context, float[] vector, double threshold)
    {
        var query = Normalised(vector);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (!_groups.TryGetValue(context, out var group))
            {
                return null;
            }

            (UInt128, float)? best = null;
            group.RemoveAll(e => e.ExpiresAtMs <= now);
            foreach (var entry in group)
            {
                if (entry.Vector.Length != query.Length)
                {
                    continue; // the embedding model changed
                }

                var similarity = Dot(entry.Vector, query);
                if (similarity >= threshold && (best is null || similarity > best.Value.Item2))
                {
                    best = (entry.AnswerKey, similarity);
                }
            }

            return best;
        }
    }

    private void Remove(UInt128 context, Entry entry)
    {
        if (_groups.TryGetValue(context, out var group))
        {
            group.Remove(entry);
            if (group.Count == 0)
            {
                _groups.Remove(context);
            }
        }
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (; i < va.Length; i++)
            {
                sum += va[i] * vb[i];
            }

            i *= Vector<float>.Count;
        }

        var total = Vector.Dot(sum, Vector<float>.One);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    private static float[] Normalised(float[] vector)
    {
        var norm = MathF.Sqrt(Dot(vector, vector));
        if (norm == 0)
        {
            return vector;
        }

        var copy = new float[vector.Length];
        for (var i = 0; i < vector.Length; i++)
        {
            copy[i] = vector[i] / norm;
        }

        return copy;
    }

    private sealed record Entry(float[] Vector, UInt128 AnswerKey, long ExpiresAtMs);
}
