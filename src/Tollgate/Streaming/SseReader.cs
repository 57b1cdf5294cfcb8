using System.Buffers;

namespace Tollgate.Streaming;

/// <summary>
/// Reads Server-Sent Events from an upstream body one event at a time into a pooled buffer. The spans it exposes are
/// valid until the next <see cref="ReadAsync"/>. Handles LF and CRLF framing, comments, and a last event without its
/// blank line (Databricks streams may stop without <c>[DONE]</c>, and some servers without the final newline).
/// </summary>
internal sealed class SseReader : IStreamEventReader
{
    // Rented only while there are bytes to parse: between events the reader waits with a zero-byte read and holds no
    // buffer, so thousands of open streams that are mostly waiting for the model cost nothing here. Chunks are a few
    // hundred bytes; the buffer doubles when an event is bigger.
    private const int InitialSize = 4 * 1024;
    private const int MaxEventSize = 16 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer = [];
    private byte[]? _joined;
    private int _start;
    private int _end;
    private bool _eof;

    private int _eventStart;
    private int _eventLength;
    private int _dataStart;
    private int _dataLength;
    private bool _dataJoined;

    public SseReader(Stream stream)
    {
        _stream = stream;
    }

    public ReadOnlySpan<byte> EventName => _eventLength == 0 ? default : _buffer.AsSpan(_eventStart, _eventLength);

    public ReadOnlySpan<byte> Data => _dataJoined ? _joined.AsSpan(0, _dataLength) : _buffer.AsSpan(_dataStart, _dataLength);

    /// <summary>Reads the next event that has a data field. Returns false at the end of the stream.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryParseEvent(out var hasData))
            {
                if (hasData)
                {
                    return true;
                }

                continue;
            }

            if (_eof)
            {
                return false;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            // Nothing pending: give the buffer back and wait for the next bytes without one. A stream that does not
            // support zero-byte reads answers at once, and the read below waits instead.
            _start = _end = 0;
            ReturnBuffer();
            await _stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxEventSize)
            {
                throw new InvalidDataException("An upstream stream event exceeded 16 MiB.");
            }

            var grown = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    /// <summary>Finds one complete event block in the buffer and parses its fields.</summary>
    private bool TryParseEvent(out bool hasData)
    {
        hasData = false;
        var pending = _buffer.AsSpan(_start, _end - _start);
        if (pending.IsEmpty)
        {
            return false;
        }

        int blockLength;
        int consumed;
        var terminator = FindBlankLine(pending, out var terminatorLength);
        if (terminator >= 0)
        {
            blockLength = terminator;
            consumed = terminator + terminatorLength;
        }
        else if (_eof)
        {
            blockLength = pending.Length;
            consumed = pending.Length;
        }
        else
        {
            return false;
        }

        var blockOffset = _start;
        _start += consumed;
        hasData = ParseFields(blockOffset, blockLength);
        return true;
    }

    private static int FindBlankLine(ReadOnlySpan<byte> span, out int terminatorLength)
    {
        var offset = 0;
        while (true)
        {
            var index = span[offset..].IndexOf((byte)'\n');
            if (index < 0)
            {
                terminatorLength = 0;
                return -1;
            }

            var lineEnd = offset + index;
            var next = lineEnd + 1;
            if (next < span.Length && span[next] == (byte)'\n')
            {
                terminatorLength = 2;
                return lineEnd;
            }

            if (next + 1 < span.Length && span[next] == (byte)'\r' && span[next + 1] == (byte)'\n')
            {
                terminatorLength = 3;
                return lineEnd;
            }

            offset = next;
        }
    }

    private bool ParseFields(int offset, int length)
    {
        _eventLength = 0;
        _dataLength = 0;
        _dataJoined = false;
        var dataLines = 0;
        var position = offset;
        var end = offset + length;
        while (position < end)
        {
            var line = _buffer.AsSpan(position, end - position);
            var newline = line.IndexOf((byte)'\n');
            var lineLength = newline < 0 ? line.Length : newline;
            var lineStart = position;
            position += newline < 0 ? line.Length : newline + 1;
            line = line[..lineLength];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty || line[0] == (byte)':')
            {
                continue;
            }

            var colon = line.IndexOf((byte)':');
            var field = colon < 0 ? line : line[..colon];
            var valueOffset = colon < 0 ? line.Length : colon + 1;
            if (valueOffset < line.Length && line[valueOffset] == (byte)' ')
            {
                valueOffset++;
            }

            var valueLength = line.Length - valueOffset;
            if (field.SequenceEqual("data"u8))
            {
                AppendData(lineStart + valueOffset, valueLength, dataLines++);
            }
            else if (field.SequenceEqual("event"u8))
            {
                _eventStart = lineStart + valueOffset;
                _eventLength = valueLength;
            }
        }

        return dataLines > 0;
    }

    private void AppendData(int start, int length, int lineIndex)
    {
        if (lineIndex == 0)
        {
            _dataStart = start;
            _dataLength = length;
            return;
        }

        // Multi-line data is rare (JSON payloads are one line); join the lines with '\n' as the SSE spec says.
        var needed = _dataLength + 1 + length;
        if (_joined is null || _joined.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
            if (_dataJoined)
            {
                _joined.AsSpan(0, _dataLength).CopyTo(grown);
            }
            else
            {
                _buffer.AsSpan(_dataStart, _dataLength).CopyTo(grown);
            }

            if (_joined is not null)
            {
                ArrayPool<byte>.Shared.Return(_joined);
            }

            _joined = grown;
        }
        else if (!_dataJoined)
        {
            _buffer.AsSpan(_dataStart, _dataLength).CopyTo(_joined);
        }

        _dataJoined = true;
        _joined[_dataLength] = (byte)'\n';
        _buffer.AsSpan(start, length).CopyTo(_joined.AsSpan(_dataLength + 1));
        _dataLength = needed;
    }

    public void Dispose()
    {
        ReturnBuffer();
        if (_joined is not null)
        {
            ArrayPool<byte>.Shared.Return(_joined);
            _joined = null;
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
