using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Tollgate.Streaming;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// Reads AWS's binary event stream (<c>application/vnd.amazon.eventstream</c>) one message at a time:
/// <code>
///   ┌ total length u32 ┬ headers length u32 ┬ prelude CRC32 u32 ┬ headers ┬ payload ┬ message CRC32 u32 ┐   (big-endian)
///   header: name length u8, name, value type u8, value (type 7 = string: length u16, bytes)
/// </code>
/// Both CRCs are checked; a mismatch or an impossible length is <see cref="InvalidDataException"/> (a broken stream).
/// <see cref="EventName"/> is the <c>:event-type</c> header, or for an exception message its <c>:exception-type</c>
/// (e.g. <c>throttlingException</c>); <see cref="Data"/> is the JSON payload.
/// </summary>
internal sealed class AwsEventStreamReader(Stream stream) : IStreamEventReader
{
    private const int PreludeLength = 12;
    private const int MaxMessageSize = 16 * 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start;
    private int _end;
    private byte[] _name = [];
    private int _nameLength;
    private int _payloadStart;
    private int _payloadLength;

    public ReadOnlySpan<byte> EventName => _name.AsSpan(0, _nameLength);

    public ReadOnlySpan<byte> Data => _buffer.AsSpan(_payloadStart, _payloadLength);

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var available = _end - _start;
            if (available >= PreludeLength)
            {
                var total = (int)BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start));
                if (total is < PreludeLength + 4 or > MaxMessageSize)
                {
                    throw new InvalidDataException("An AWS event stream message has an impossible length.");
                }

                if (available >= total)
                {
                    Parse(_buffer.AsSpan(_start, total));
                    _payloadStart += _start;
                    _start += total;
                    return true;
                }

                Ensure(total);
            }

            if (_start > 0 && _start == _end)
            {
                _start = _end = 0;
            }

            if (_end == _buffer.Length)
            {
                Compact();
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end > _start)
                {
                    throw new InvalidDataException("The AWS event stream ended inside a message.");
                }

                return false;
            }

            _end += read;
        }
    }

    private void Parse(ReadOnlySpan<byte> message)
    {
        var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(message[4..]);
        if (Crc32.Compute(message[..8]) != BinaryPrimitives.ReadUInt32BigEndian(message[8..]))
        {
            throw new InvalidDataException("An AWS event stream prelude failed its CRC check.");
        }

        if (Crc32.Compute(message[..^4]) != BinaryPrimitives.ReadUInt32BigEndian(message[^4..]))
        {
            throw new InvalidDataException("An AWS event stream message failed its CRC check.");
        }

        if (headersLength > message.Length - PreludeLength - 4)
        {
            throw new InvalidDataException("An AWS event stream message has an impossible headers length.");
        }

        var headers = message.Slice(PreludeLength, headersLength);
        ReadOnlySpan<byte> eventType = default, exceptionType = default, messageType = default;
        while (!headers.IsEmpty)
        {
            var nameLength = headers[0];
            var name = headers.Slice(1, nameLength);
            var type = headers[1 + nameLength];
            headers = headers[(2 + nameLength)..];
            int valueLength = type switch
            {
                0 or 1 => 0,
                2 => 1,
                3 => 2,
                4 => 4,
                5 or 8 => 8,
                9 => 16,
                6 or 7 => 2 + BinaryPrimitives.ReadUInt16BigEndian(headers),
                _ => throw new InvalidDataException("An AWS event stream header has an unknown type."),
            };
            if (type == 7)
            {
                var value = headers.Slice(2, valueLength - 2);
                if (name.SequenceEqual(":event-type"u8))
                {
                    eventType = value;
                }
                else if (name.SequenceEqual(":exception-type"u8))
                {
                    exceptionType = value;
                }
                else if (name.SequenceEqual(":message-type"u8))
                {
                    messageType = value;
                }
            }

            headers = headers[valueLength..];
        }

        var chosen = messageType.SequenceEqual("event"u8) || messageType.IsEmpty ? eventType : exceptionType.IsEmpty ? "exception"u8 : exceptionType;
        if (_name.Length < chosen.Length)
        {
            _name = new byte[Math.Max(64, chosen.Length)];
        }

        chosen.CopyTo(_name);
        _nameLength = chosen.Length;
        _payloadStart = PreludeLength + headersLength;
        _payloadLength = message.Length - PreludeLength - headersLength - 4;
    }

    private void Ensure(int total)
    {
        if (_buffer.Length - _start >= total)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(total, _buffer.Length * 2));
        _buffer.AsSpan(_start, _end - _start).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _end -= _start;
        _start = 0;
        _buffer = grown;
    }

    private void Compact()
    {
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _payloadStart -= _start;
        _start = 0;
        if (_end == _buffer.Length)
        {
            Ensure(_buffer.Length * 2);
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    public override string ToString() => Encoding.UTF8.GetString(EventName);
}
