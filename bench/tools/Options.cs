using System.Globalization;
using System.Net.Http.Headers;

namespace Tollgate.Bench.Tools;

/// <summary><c>--name value</c> pairs; <c>--header</c> may repeat.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var name = args[i].TrimStart('-');
            if (name == "header")
            {
                var colon = args[i + 1].IndexOf(':', StringComparison.Ordinal);
                options.Headers.Add(new(args[i + 1][..colon].Trim(), args[i + 1][(colon + 1)..].Trim()));
            }
            else
            {
                options._values[name] = args[i + 1];
            }
        }

        return options;
    }

    public string Text(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");

    public double Number(string name, double fallback) =>
        _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A POST of the body file with the given headers and JSON content type.</summary>
    public HttpRequestMessage Request(byte[] body, bool stream)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Text("url")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd(stream ? "text/event-stream" : "application/json");
        foreach (var (key, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        return request;
    }

    public static HttpMessageInvoker Client(int maxConnections) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ActivityHeadersPropagator = null,
    });
}
