namespace Tollgate.Bench.Tools;

/// <summary>Reads an SSE response body to its end, noting when the first <c>data:</c> line arrived and whether <c>[DONE]</c> did.</summary>
internal static class StreamReading
{
    public static async Task<(long FirstDataTicks, bool Done, long Bytes)> ReadAsync(Stream body, Action? onFirstData, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        long firstData = 0;
        long bytes = 0;
        var tail = new List<byte>(64);
        var done = false;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            bytes += read;
            var span = buffer.AsSpan(0, read);
            if (firstData == 0 && (span.IndexOf("data:"u8) >= 0 || Joined(tail, span).Contains("data:", StringComparison.Ordinal)))
            {
                firstData = System.Diagnostics.Stopwatch.GetTimestamp();
                onFirstData?.Invoke();
            }

            if (span.IndexOf("[DONE]"u8) >= 0 || Joined(tail, span).Contains("[DONE]", StringComparison.Ordinal))
            {
                done = true;
            }

            // Keep the last bytes so a marker split across two reads is still seen.
            tail.Clear();
            tail.AddRange(span[Math.Max(0, span.Length - 16)..].ToArray());
        }

        return (firstData, done, bytes);
    }

    private static string Joined(List<byte> tail, ReadOnlySpan<byte> span) =>
        tail.Count == 0 ? string.Empty : System.Text.Encoding.ASCII.GetString([.. tail, .. span[..Math.Min(span.Length, 16)]]);
}
