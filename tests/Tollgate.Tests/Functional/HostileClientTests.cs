using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tollgate.Tests.Functional;

/// <summary>
/// Clients that are slow or greedy on purpose (issue 20), against a real gateway on loopback: Kestrel's limits come
/// from <c>client</c> config and hold; memory per idle connection and bytes in flight per slow stream are bounded.
/// These wait for the server to act, never for a fixed time; each wait has a generous cap so a hang fails, not blocks.
/// </summary>
public sealed class HostileClientTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    private static Task<GatewayHost> StartAsync(string client, string providers = "{}") =>
        GatewayHost.StartAsync($$"""{ "client": {{{client}}}, "providers": {{providers}} }""");

    private static (string Host, int Port) Endpoint(GatewayHost gateway)
    {
        var uri = new Uri(gateway.BaseUrl);
        return (uri.Host, uri.Port);
    }

    private static async Task<Socket> ConnectAsync(GatewayHost gateway)
    {
        var (host, port) = Endpoint(gateway);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Parse(host), port);
        return socket;
    }

    /// <summary>Reads until the server closes the connection (or resets it); returns what it sent.</summary>
    private static async Task<string> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Cap);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    [Fact]
    public async Task ConnectionLimits_FromClientConfig_AreKestrels()
    {
        await using var gateway = await StartAsync("""
            "keep_alive_timeout_seconds": 42, "request_headers_timeout_seconds": 3, "min_request_body_bytes_per_second": 1000,
            "min_response_bytes_per_second": 0, "max_connections": 1234, "max_request_headers_kb": 16
            """);

        var limits = gateway.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(TimeSpan.FromSeconds(42), limits.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), limits.RequestHeadersTimeout);
        Assert.Equal(1000, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Null(limits.MinResponseDataRate);
        Assert.Equal(1234, limits.MaxConcurrentConnections);
        Assert.Equal(0, limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(16 * 1024, limits.MaxRequestHeadersTotalSize);
    }

    [Fact]
    public async Task SlowHeaders_AreCutOff_AtTheHeadersTimeout()
    {
        await using var gateway = await StartAsync(""" "request_headers_timeout_seconds": 1 """);
        using var socket = await ConnectAsync(gateway);

        // Half a request, then nothing: a slowloris client keeps sending one header byte at a time, or none.
        await socket.SendAsync("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: a"u8.ToArray(), SocketFlags.None);
        var answer = await ReadUntilClosedAsync(socket);

        // Kestrel answers 408 (or just closes); either way the connection is gone rather than held.
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task SlowRequestBody_Gets408_InOpenAIShape()
    {
        await using var gateway = await StartAsync(""" "min_request_body_bytes_per_second": 10000 """);
        using var socket = await ConnectAsync(gateway);

        // Announces 1 MB and sends 10 bytes: far under 10 KB/s once the 5 s grace period is over.
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{\"model\":"), SocketFlags.None);
        var answer = await ReadUntilClosedAsync(socket);

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        // The body may come chunked: the JSON is from the first brace to the last.
        var json = answer[answer.IndexOf('{', StringComparison.Ordinal)..(answer.LastIndexOf('}') + 1)];
        var error = JsonDocument.Parse(json).RootElement.GetProperty("error");
        Assert.Equal("incomplete_body", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ConnectionsBeyondMaxConnections_AreClosedAtOnce()
    {
        const int max = 20;
        await using var gateway = await StartAsync($""" "max_connections": {max} """);
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < max; i++)
            {
                var socket = await ConnectAsync(gateway);
                held.Add(socket);
                await socket.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), SocketFlags.None);
                var buffer = new byte[1024];
                Assert.True(await socket.ReceiveAsync(buffer, SocketFlags.None) > 0);
            }

            using var extra = await ConnectAsync(gateway);
            await extra.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), SocketFlags.None);

            Assert.Equal("", await ReadUntilClosedAsync(extra));
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task IdleKeepAliveConnections_CostLittleMemoryEach()
    {
        const int connections = 2_000;
        await using var gateway = await StartAsync("");
        var held = new List<Socket>(connections);
        try
        {
            // Warm the server's pools and code paths, so the figure is per connection, not first-use cost.
            await WarmAsync(gateway, held, 50);
            var before = SettledManagedBytes();
            await WarmAsync(gateway, held, connections - 50);
            var after = SettledManagedBytes();

            var perConnection = (after - before) / (connections - 50);
            Console.WriteLine($"idle keep-alive connections: {connections}, managed heap +{(after - before) / 1024} KB, {perConnection} B each (server and client sockets)");
            // Kestrel holds no buffer for an idle connection (it waits for data before renting one): a few KB of
            // connection state, both ends counted here as the test process holds the client sockets too.
            Assert.True(perConnection < 24 * 1024, $"{perConnection} B per idle connection");
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    private static async Task WarmAsync(GatewayHost gateway, List<Socket> held, int count)
    {
        var buffer = new byte[2048];
        for (var i = 0; i < count; i++)
        {
            var socket = await ConnectAsync(gateway);
            held.Add(socket);
            await socket.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), SocketFlags.None);
            Assert.True(await socket.ReceiveAsync(buffer, SocketFlags.None) > 0);
        }
    }

    private static long SettledManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task SlowStreamReader_PausesTheUpstream_BytesInFlightStayBounded()
    {
        await using var upstream = await FloodingUpstream.StartAsync();
        await using var gateway = await StartAsync(""" "min_response_bytes_per_second": 0 """, $$"""
            { "flood": { "custom_provider_config": { "base_provider_type": "openai" }, "base_url": "{{upstream.BaseUrl}}/v1", "keys": [],
              "network_config": { "stream_idle_timeout_in_seconds": 120 } } }
            """);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"flood/m","stream":true,"messages":[{"role":"user","content":"go"}]}""", Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();

        // Read slowly: 16 KB, then wait until the upstream has stopped getting ahead (its writes block), repeatedly.
        var read = 0L;
        var buffer = new byte[16 * 1024];
        var inFlight = new List<long>();
        for (var round = 0; round < 8; round++)
        {
            read += await body.ReadAtLeastAsync(buffer, buffer.Length);
            await upstream.WaitUntilBlockedAsync(Cap);
            inFlight.Add(upstream.BytesWritten - read);
        }

        var first = inFlight[0];
        var last = inFlight[^1];
        Console.WriteLine($"slow reader: read {read / 1024} KB, upstream wrote {upstream.BytesWritten / 1024} KB, in flight per round (KB): {string.Join(", ", inFlight.Select(b => b / 1024))}");
        // What is in flight is kernel socket buffers on two hops plus Kestrel's 64 KB output buffer and the relay's:
        // bounded, and not growing while the client keeps reading slowly.
        Assert.True(last < 48L * 1024 * 1024, $"{last} bytes in flight");
        Assert.True(last - first < 4L * 1024 * 1024, $"in flight grew from {first} to {last} bytes");
        Assert.True(upstream.BytesWritten < 64L * 1024 * 1024, $"the upstream wrote {upstream.BytesWritten} bytes for a client that read {read}");
    }

    /// <summary>An OpenAI-compatible upstream that streams SSE as fast as the connection takes it, forever, counting bytes.</summary>
    private sealed class FloodingUpstream : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _written;
        private long _lastWriteTicks = Environment.TickCount64;

        private FloodingUpstream(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = "";

        public long BytesWritten => Interlocked.Read(ref _written);

        public static async Task<FloodingUpstream> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var upstream = new FloodingUpstream(app);
            var chunk = Encoding.UTF8.GetBytes("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + new string('x', 16 * 1024) + "\"},\"finish_reason\":null}]}\n\n");
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/event-stream";
                try
                {
                    while (!context.RequestAborted.IsCancellationRequested)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                        Interlocked.Add(ref upstream._written, chunk.Length);
                        Interlocked.Exchange(ref upstream._lastWriteTicks, Environment.TickCount64);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                }
            });
            await app.StartAsync();
            upstream.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return upstream;
        }

        /// <summary>Returns once no write has completed for a while: the upstream is blocked on a full connection.</summary>
        public async Task WaitUntilBlockedAsync(TimeSpan cap)
        {
            var deadline = Environment.TickCount64 + (long)cap.TotalMilliseconds;
            while (Environment.TickCount64 - Interlocked.Read(ref _lastWriteTicks) < 300)
            {
                Assert.True(Environment.TickCount64 < deadline, "the upstream never stopped writing: nothing paused it");
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
    }
}
