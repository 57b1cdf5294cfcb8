using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Tests.Observability;

/// <summary>
/// An OTLP/HTTP trace receiver on loopback: <c>POST /v1/traces</c> with an <c>ExportTraceServiceRequest</c> in protobuf,
/// decoded by hand (resource_spans(1) → resource(1) / scope_spans(2) → scope(1) / spans(2)).
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();

    private OtlpCollector(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The base endpoint, for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the exporter appends <c>/v1/traces</c>).</summary>
    public string Endpoint { get; }

    public IReadOnlyCollection<CollectedSpan> Spans => [.. _spans];

    public int Requests { get; private set; }

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // The gateway's tracer provider listens process-wide: were the collector's own requests traced, every export
        // would produce a span to export. Its hosting gets a source and listener nobody subscribes to.
        builder.Services.AddSingleton(new ActivitySource("Tollgate.Tests.OtlpCollector"));
        builder.Services.AddSingleton(new DiagnosticListener("Tollgate.Tests.OtlpCollector"));
        var app = builder.Build();
        OtlpCollector? collector = null;
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            collector!.Receive(buffer.ToArray());
            context.Response.ContentType = "application/x-protobuf";
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        collector = new OtlpCollector(app, address);
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Receive(byte[] body)
    {
        Requests++;
        var request = new ProtoReader(body);
        while (request.Next())
        {
            if (request.Field == 1 && request.WireType == 2)
            {
                ReadResourceSpans(request.ReadBytes());
            }
            else
            {
                request.Skip();
            }
        }
    }

    private void ReadResourceSpans(ReadOnlySpan<byte> data)
    {
        var resource = new Dictionary<string, object?>();
        var scopeSpans = new List<byte[]>();
        var reader = new ProtoReader(data);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    var resourceReader = new ProtoReader(reader.ReadBytes());
                    while (resourceReader.Next())
                    {
                        if (resourceReader.Field == 1)
                        {
                            var (key, value) = ReadKeyValue(resourceReader.ReadBytes());
                            resource[key] = value;
                        }
                        else
                        {
                            resourceReader.Skip();
                        }
                    }

                    break;
                case 2:
                    scopeSpans.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var scope in scopeSpans)
        {
            ReadScopeSpans(scope, resource);
        }
    }

    private void ReadScopeSpans(ReadOnlySpan<byte> data, Dictionary<string, object?> resource)
    {
        var scopeName = string.Empty;
        var spans = new List<byte[]>();
        var reader = new ProtoReader(data);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    var scope = new ProtoReader(reader.ReadBytes());
                    while (scope.Next())
                    {
                        if (scope.Field == 1)
                        {
                            scopeName = scope.ReadString();
                        }
                        else
                        {
                            scope.Skip();
                        }
                    }

                    break;
                case 2:
                    spans.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var span in spans)
        {
            _spans.Enqueue(ReadSpan(span, scopeName, resource));
        }
    }

    private static CollectedSpan ReadSpan(ReadOnlySpan<byte> data, string scopeName, Dictionary<string, object?> resource)
    {
        string traceId = "", spanId = "", parentId = "", name = "";
        var kind = 0;
        var status = 0;
        var attributes = new Dictionary<string, object?>();
        var reader = new ProtoReader(data);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    traceId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 2:
                    spanId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 4:
                    parentId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 5:
                    name = reader.ReadString();
                    break;
                case 6:
                    kind = (int)reader.ReadVarint();
                    break;
                case 9:
                    var (key, value) = ReadKeyValue(reader.ReadBytes());
                    attributes[key] = value;
                    break;
                case 15:
                    var statusReader = new ProtoReader(reader.ReadBytes());
                    while (statusReader.Next())
                    {
                        if (statusReader.Field == 3)
                        {
                            status = (int)statusReader.ReadVarint();
                        }
                        else
                        {
                            statusReader.Skip();
                        }
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new CollectedSpan(traceId, spanId, parentId, name, kind, attributes, status, scopeName, resource);
    }

    /// <summary>KeyValue: key(1), value(2) AnyValue: string(1), bool(2), int(3), double(4); arrays and maps are not needed.</summary>
    private static (string Key, object? Value) ReadKeyValue(ReadOnlySpan<byte> data)
    {
        var key = string.Empty;
        object? value = null;
        var reader = new ProtoReader(data);
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                key = reader.ReadString();
            }
            else if (reader.Field == 2)
            {
                var any = new ProtoReader(reader.ReadBytes());
                while (any.Next())
                {
                    value = any.Field switch
                    {
                        1 => any.ReadString(),
                        2 => any.ReadVarint() != 0,
                        3 => (long)any.ReadVarint(),
                        4 => BitConverter.UInt64BitsToDouble(any.ReadFixed64()),
                        _ => SkipValue(ref any),
                    };
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return (key, value);
    }

    private static object? SkipValue(ref ProtoReader reader)
    {
        reader.Skip();
        return null;
    }
}
