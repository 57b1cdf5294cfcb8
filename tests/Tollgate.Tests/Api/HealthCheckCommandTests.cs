using Tollgate.Api;

namespace Tollgate.Tests.Api;

public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:8080/health")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/health")]
    [InlineData("http://*:9000", "http://127.0.0.1:9000/health")]
    [InlineData("http://0.0.0.0:80", "http://127.0.0.1:80/health")]
    [InlineData("http://[::]:8080", "http://[::1]:8080/health")]
    [InlineData("https://+:8443;http://+:8080", "http://127.0.0.1:8080/health")]
    [InlineData("https://+:8443", "https://127.0.0.1:8443/health")]
    [InlineData("https://gateway.internal", "https://gateway.internal:443/health")]
    [InlineData("http://10.1.2.3:81/", "http://10.1.2.3:81/health")]
    public void ProbeUri_IsTheLoopbackOfTheListenAddress_PreferringHttp(string? urls, string expected)
    {
        Assert.Equal(new Uri(expected), HealthCheckCommand.ProbeUri(urls));
    }

    [Fact]
    public async Task Run_AgainstNothingListening_FailsWithTheAddress()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await HealthCheckCommand.RunAsync([HealthCheckCommand.Flag, "/ready", "--urls", $"http://+:{port}"]);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(1, code);
        Assert.Contains($"127.0.0.1:{port}/ready", error.ToString());
    }
}
