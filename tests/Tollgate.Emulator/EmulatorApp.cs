using Tollgate.Emulator.Control;
using Tollgate.Emulator.Pipeline;
using Tollgate.Emulator.Providers;

namespace Tollgate.Emulator;

/// <summary>Builds the emulator app; <see cref="EmulatorHost"/> (tests) and <c>Program</c> (standalone) share it.</summary>
internal static class EmulatorApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Slim builder: no HTTPS, IIS or static files, which keeps start-up fast for tests that start many hosts.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;

            // The gateway's own body limit is what tests probe; the upstream must not be the one to refuse.
            options.Limits.MaxRequestBodySize = 256L * 1024 * 1024;
        });
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<RequestJournal>();
        builder.Services.AddSingleton<EmulatorState>();
        configure?.Invoke(builder);

        var app = builder.Build();
        var pipeline = new EmulatorPipeline(
            app.Services.GetRequiredService<RequestJournal>(),
            app.Services.GetRequiredService<FaultInjector>(),
            app.Services.GetRequiredService<EmulatorState>());
        app.Use(next => ctx => pipeline.InvokeAsync(ctx, next));

        app.MapOpenAI();
        app.MapAzure();
        app.MapAnthropic();
        app.MapDatabricks();
        app.MapCompat();
        app.MapGoogle();
        app.MapCohere();
        app.MapBedrock();
        app.MapGuardrailProviders();
        app.MapControl();
        app.MapProviderFallback();
        return app;
    }
}
