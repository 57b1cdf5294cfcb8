using System.Net;
using Yarp.ReverseProxy.Forwarder;

// A bare forwarding proxy: the least a .NET gateway can cost per request. Paths under /slow/ and /quick/ go to the
// trickling SSE mock (--sse-upstream), everything else to the nginx mock (--upstream). Usage:
//   tollgate-bench-yarp --urls http://127.0.0.1:PORT --upstream http://127.0.0.1:MOCK --sse-upstream http://127.0.0.1:SSE
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxConcurrentConnections = null;
});
builder.Services.AddHttpForwarder();
var app = builder.Build();
var upstream = app.Configuration["upstream"] ?? throw new InvalidOperationException("--upstream is required");
var sseUpstream = app.Configuration["sse-upstream"] ?? upstream;

// One pooled handler per destination, set up as YARP's ForwarderHttpClientFactory does.
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
});
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var requestConfig = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(5) };

app.Map("/{**path}", async context =>
{
    var path = context.Request.Path;
    var destination = path.StartsWithSegments("/slow") || path.StartsWithSegments("/quick") ? sseUpstream : upstream;
    await forwarder.SendAsync(context, destination, invoker, requestConfig, HttpTransformer.Default);
});
await app.RunAsync();
