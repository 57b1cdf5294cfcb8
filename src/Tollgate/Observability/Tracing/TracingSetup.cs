using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tollgate.Observability.Tracing;

/// <summary>
/// Registers the OpenTelemetry tracer provider with the OTLP exporter, configured by the standard <c>OTEL_*</c>
/// variables (read from configuration, so environment and command line both work). Without an OTLP endpoint or
/// <c>OTEL_TRACES_EXPORTER=otlp</c> nothing is registered: no listener, so no span is ever created.
/// </summary>
internal static class TracingSetup
{
    public const string DefaultServiceName = "tollgate";

    /// <summary>Whether the configuration asks for traces to be exported.</summary>
    public static bool IsEnabled(IConfiguration configuration)
    {
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var exporter = configuration["OTEL_TRACES_EXPORTER"];
        if (!string.IsNullOrWhiteSpace(exporter))
        {
            return exporter.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase);
        }

        return !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
    }

    /// <summary>Adds tracing when <see cref="IsEnabled"/>; returns whether it did.</summary>
    public static bool TryAdd(IServiceCollection services, IConfiguration configuration)
    {
        if (!IsEnabled(configuration))
        {
            return false;
        }

        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(TracingSetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(GatewayTracing.SourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        return true;
    }

    /// <summary>Scrapes and probes arrive every few seconds and say nothing about traffic: not worth a trace each.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health") || path.StartsWithSegments("/ready");
}
