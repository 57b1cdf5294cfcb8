using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Tests.Operations;

/// <summary>
/// A real HTTP server on a loopback port that records every request (path, headers, body) and answers with the next
/// queued status (200 when none is queued): the far end of an alert channel.
/// </summary>
public sealed class HttpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private HttpSink(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<HttpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new HttpSink(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            sink.Requests.Enqueue(new Received(context.Request.Path + context.Request.QueryString, headers, body));
            context.Response.StatusCode = sink._statuses.TryDequeue(out var status) ? status : StatusCodes.Status200OK;
            sink._arrived.Release();
            await context.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        sink.Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return sink;
    }

    /// <summary>Answers the next requests with these statuses, in order.</summary>
    public void Fail(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    /// <summary>Waits until <paramref name="count"/> requests in all have arrived.</summary>
    public async Task WaitForAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (Requests.Count < count)
        {
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    }
}
