namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Wraps the response body to keep a copy of the first <c>limit</c> bytes the client receives, for content logging.
/// Installed only when a request's content is logged, so the default path pays nothing. Streams (SSE) are captured as
/// the text the client saw.
/// </summary>
internal sealed class ResponseCaptureStream(Stream inner, int limit) : Stream
{
    private readonly MemoryStream _copy = new();
    private long _total;

    /// <summary>What the client received, as text, marked when cut.</summary>
    public string Text
    {
        get
        {
            var kept = System.Text.Encoding.UTF8.GetString(_copy.GetBuffer(), 0, (int)_copy.Length);
            return _total > _copy.Length ? kept + $"…[{_total - _copy.Length} more bytes not logged]" : kept;
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Keep(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        _total += bytes.Length;
        var room = limit - (int)_copy.Length;
        if (room > 0)
        {
            _copy.Write(bytes[..Math.Min(room, bytes.Length)]);
        }
    }
}
