using Prometheus;
using Tollgate.Observability.Logging;
using Tollgate.Observability.Metrics;
using Tollgate.Observability.Tracing;

namespace Tollgate.Observability;

/// <summary>Wires metrics (<c>/metrics</c>), traces (OTLP, when configured) and console logs (JSON or text) into the app.</summary>
internal static class ObservabilityExtensions
{
    public static WebApplicationBuilder AddGatewayObservability(this WebApplicationBuilder builder)
    {
        var tracing = TracingSetup.TryAdd(builder.Services, builder.Configuration);
        ConsoleLogSetup.Configure(builder.Logging, builder.Configuration, tracing);
        builder.Services.AddSingleton(new ConsoleNotice(ConsoleLogSetup.FormatFrom(builder.Configuration) == ConsoleLogSetup.Json));
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<RequestLogs.IRequestObserver>(sp => sp.GetRequiredService<GatewayMetrics>());
        if (tracing)
        {
            builder.Services.AddSingleton<RequestLogs.IRequestObserver, TracingObserver>();
        }

        builder.Services.AddSingleton<ScrapeGauges>();
        return builder;
    }

    /// <summary>Opens the request's logging scope (first middleware, so every later line carries it) and maps <c>/metrics</c>.</summary>
    public static WebApplication UseGatewayObservability(this WebApplication app)
    {
        app.Services.GetRequiredService<ScrapeGauges>();
        app.UseMiddleware<RequestScopeMiddleware>();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<GatewayMetrics>().Registry);
        return app;
    }
}
