using System.Buffers.Binary;
using System.Text;
using Tollgate.Providers.Bedrock;

namespace Tollgate.Tests.Providers.Bedrock;

public sealed class AwsEventStreamReaderTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public async Task ReadsEventsAndExceptions_AcrossSmallReads()
    {
        var bytes = Message(":event-type", "contentBlockDelta", "event", """{"delta":{"text":"hi"},"p":"abc"}""")
            .Concat(Message(":exception-type", "throttlingException", "exception", """{"message":"slow down"}""")).ToArray();
        using var reader = new AwsEventStreamReader(new TrickleStream(bytes, 7));

        Assert.True(await reader.ReadAsync(CancellationToken.None));
        Assert.Equal("contentBlockDelta", Encoding.UTF8.GetString(reader.EventName));
        Assert.Equal("""{"delta":{"text":"hi"},"p":"abc"}""", Encoding.UTF8.GetString(reader.Data));
        Assert.True(await reader.ReadAsync(CancellationToken.None));
        Assert.Equal("throttlingException", Encoding.UTF8.GetString(reader.EventName));
        Assert.Equal("""{"message":"slow down"}""", Encoding.UTF8.GetString(reader.Data));
        Assert.False(await reader.ReadAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    public async Task CorruptByte_FailsTheCrcCheck(int offset)
    {
        var bytes = Message(":event-type", "messageStop", "event", """{"stopReason":"end_turn"}""");
        bytes[offset] ^= 0x40;
        using var reader = new AwsEventStreamReader(new MemoryStream(bytes));

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task StreamEndingInsideAMessage_IsInvalid()
    {
        var bytes = Message(":event-type", "messageStop", "event", """{"stopReason":"end_turn"}""");
        using var reader = new AwsEventStreamReader(new MemoryStream(bytes[..^3]));

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(CancellationToken.None));
    }

    private static byte[] Message(string typeHeader, string type, string messageType, string payload)
    {
        var headers = new MemoryStream();
        foreach (var (name, value) in new[] { (typeHeader, type), (":content-type", "application/json"), (":message-type", messageType) })
        {
            headers.WriteByte((byte)name.Length);
            headers.Write(Encoding.UTF8.GetBytes(name));
            headers.WriteByte(7);
            headers.WriteByte((byte)(value.Length >> 8));
            headers.WriteByte((byte)value.Length);
            headers.Write(Encoding.UTF8.GetBytes(value));
        }

        var h = headers.ToArray();
        var p = Encoding.UTF8.GetBytes(payload);
        var message = new byte[12 + h.Length + p.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)h.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.Compute(message.AsSpan(0, 8)));
        h.CopyTo(message, 12);
        p.CopyTo(message, 12 + h.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(message.Length - 4), Crc32.Compute(message.AsSpan(0, message.Length - 4)));
        return message;
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
