using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

public sealed class RequestLogCursorTests
{
    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(1_772_323_200_000L, 42L)]
    [InlineData(long.MaxValue, long.MinValue)]
    public void Encode_ThenDecode_RoundTrips_AsUrlSafeText(long time, long seq)
    {
        var text = new RequestLogCursor(time, seq).Encode();

        Assert.True(RequestLogCursor.TryDecode(text, out var cursor));
        Assert.Equal(new RequestLogCursor(time, seq), cursor);
        Assert.Equal(text, Uri.EscapeDataString(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("not a cursor at all!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryDecode_Garbage_IsFalse(string text) => Assert.False(RequestLogCursor.TryDecode(text, out _));
}
