using System.Buffers.Binary;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Latency percentiles in constant memory: log-scale buckets 1% wide from 0.01 ms to about 12 days, so a percentile
/// is within 1% of the exact nearest-rank value. Sorting the range's latencies would be exact but needs memory in
/// proportion to the rows (8 MB per million), which a 30-day stats request on a busy gateway must not cost.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Growth = 1.01;
    private const double Floor = 0.01;
    private static readonly double LogGrowth = Math.Log(Growth);
    private static readonly int BucketCount = (int)Math.Ceiling(Math.Log(1e9 / Floor) / LogGrowth) + 2;

    private readonly long[] _counts = new long[BucketCount];
    private double _min = double.MaxValue;
    private double _max;

    public long Count { get; private set; }

    public void Add(double latencyMs)
    {
        if (double.IsNaN(latencyMs))
        {
            return;
        }

        _counts[Index(latencyMs)]++;
        Count++;
        _min = Math.Min(_min, latencyMs);
        _max = Math.Max(_max, latencyMs);
    }

    /// <summary>The nearest-rank percentile (0 &lt; <paramref name="p"/> ≤ 1), within 1%; 0 when empty.</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(p * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                // The end buckets are open-ended: the smallest or largest value seen is the best estimate there.
                if (i == 0)
                {
                    return _min;
                }

                if (i == _counts.Length - 1)
                {
                    return _max;
                }

                // The bucket's geometric middle, clamped to what was seen, so one value reads back as itself.
                return Math.Round(Math.Clamp(Floor * Math.Pow(Growth, i - 0.5), _min, _max), 3);
            }
        }

        return _max;
    }

    /// <summary>
    /// The counts as bytes for the per-minute rollup: min and max, then (index gap, count) varint pairs of the non-empty
    /// buckets only, so a minute with a handful of requests costs a few dozen bytes, not the full array.
    /// </summary>
    public byte[] ToBytes()
    {
        var buffer = new List<byte>(32);
        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(eight, Count == 0 ? 0 : _min);
        buffer.AddRange(eight);
        BinaryPrimitives.WriteDoubleLittleEndian(eight, _max);
        buffer.AddRange(eight);
        var last = -1;
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
            {
                WriteVarint(buffer, (ulong)(i - last));
                WriteVarint(buffer, (ulong)_counts[i]);
                last = i;
            }
        }

        return [.. buffer];
    }

    /// <summary>Adds counts written by <see cref="ToBytes"/> (exactly as if their latencies had been added here).</summary>
    public void Merge(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 16)
        {
            return;
        }

        var min = BinaryPrimitives.ReadDoubleLittleEndian(bytes);
        var max = BinaryPrimitives.ReadDoubleLittleEndian(bytes[8..]);
        var position = 16;
        var index = -1;
        long added = 0;
        while (position < bytes.Length)
        {
            index += (int)ReadVarint(bytes, ref position);
            var count = (long)ReadVarint(bytes, ref position);
            if ((uint)index >= (uint)_counts.Length)
            {
                throw new InvalidDataException("A latency histogram names a bucket beyond its range.");
            }

            _counts[index] += count;
            added += count;
        }

        if (added > 0)
        {
            Count += added;
            _min = Math.Min(_min, min);
            _max = Math.Max(_max, max);
        }
    }

    /// <summary>Adds another histogram's counts.</summary>
    public void Merge(LatencyHistogram other)
    {
        if (other.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _min = Math.Min(_min, other._min);
        _max = Math.Max(_max, other._max);
    }

    private static void WriteVarint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }

        buffer.Add((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new InvalidDataException("A latency histogram ends inside a number.");
            }

            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A latency histogram holds a number too long.");
    }

    private static int Index(double latencyMs)
    {
        if (latencyMs <= Floor)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(Math.Log(latencyMs / Floor) / LogGrowth);
        return Math.Min(index, BucketCount - 1);
    }
}
