using System.Text;
using Tollgate.Streaming;

namespace Tollgate.Tests.Streaming;

public sealed class SseReaderTests
{
    /// <summary>Hands out the bytes in small pieces, so events straddle reads as they do on a real socket.</summary>
    private sealed class TricklingStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(chunk, count), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<List<(string Event, string Data)>> ReadAll(string text, int chunk)
    {
        using var reader = new SseReader(new TricklingStream(Encoding.UTF8.GetBytes(text), chunk));
        var events = new List<(string, string)>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            events.Add((Encoding.UTF8.GetString(reader.EventName), Encoding.UTF8.GetString(reader.Data)));
        }

        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task ReadAsync_MixedFraming_YieldsEachEvent(int chunk)
    {
        const string text = ": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: {\"b\":2}\r\n\r\ndata: line1\ndata: line2\n\nid: 5\n\ndata: [DONE]\n\n";

        var events = await ReadAll(text, chunk);

        Assert.Equal(
            [("message_start", "{\"a\":1}"), ("", "{\"b\":2}"), ("", "line1\nline2"), ("", "[DONE]")],
            events);
    }

    [Fact]
    public async Task ReadAsync_LastEventWithoutBlankLine_IsStillRead()
    {
        // Databricks streams may stop without [DONE]; some servers also skip the final blank line.
        var events = await ReadAll("data: {\"x\":1}\n\ndata: {\"x\":2}", 5);

        Assert.Equal(2, events.Count);
        Assert.Equal("{\"x\":2}", events[1].Data);
    }

    [Fact]
    public async Task ReadAsync_EventLargerThanInitialBuffer_Grows()
    {
        var big = new string('x', 100_000);

        var events = await ReadAll($"data: {big}\n\n", 8192);

        Assert.Equal(big, Assert.Single(events).Data);
    }
}
