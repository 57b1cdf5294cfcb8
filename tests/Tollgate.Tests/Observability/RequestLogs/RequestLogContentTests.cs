using Tollgate.Configuration;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

public sealed class RequestLogContentTests
{
    private static readonly ClientConfig Client = new();

    [Fact]
    public void Off_OrDisabledOutright_LogsNothing()
    {
        Assert.Null(RequestLogContent.Capture(Client, LogContentMode.Off, "prompt"));
        Assert.Null(RequestLogContent.Capture(Client with { DisableContentLogging = true }, LogContentMode.Full, "prompt"));
    }

    [Fact]
    public void Truncated_KeepsTheStart_AndMarksTheCut()
    {
        var body = new string('a', RequestLogContent.TruncatedChars + 10);

        var logged = RequestLogContent.Capture(Client, LogContentMode.Truncated, body);

        Assert.Equal(new string('a', RequestLogContent.TruncatedChars) + RequestLogContent.TruncationMarker, logged);
        Assert.Equal("short", RequestLogContent.Capture(Client, LogContentMode.Truncated, "short"));
    }

    [Fact]
    public void Truncated_NeverSplitsASurrogatePair()
    {
        var body = new string('a', RequestLogContent.TruncatedChars - 1) + "🚀" + "tail";

        var logged = RequestLogContent.Capture(Client, LogContentMode.Truncated, body)!;

        Assert.False(char.IsHighSurrogate(logged[RequestLogContent.TruncatedChars - 2]));
        Assert.EndsWith("a" + RequestLogContent.TruncationMarker, logged, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_KeepsWholeBodies()
    {
        var body = new string('b', 100_000);

        Assert.Equal(body, RequestLogContent.Capture(Client, LogContentMode.Full, body));
    }
}
