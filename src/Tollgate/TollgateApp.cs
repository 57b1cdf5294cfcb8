using Tollgate.Api;
using Tollgate.Api.Auth;
using Tollgate.Api.Dialects;
using Tollgate.Audit;
using Tollgate.Caching;
using Tollgate.Cluster;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Guardrails;
using Tollgate.Guardrails.External;
using Tollgate.Hosting;
using Tollgate.Identity;
using Tollgate.Inference;
using Tollgate.Observability;
using Tollgate.Observability.Metrics;
using Tollgate.Observability.RequestLogs;
using Tollgate.Operations.Alerts;
using Tollgate.Operations.Exports;
using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Routing;
using Tollgate.Secrets;
using Tollgate.Storage;
using Tollgate.Ui;

namespace Tollgate;

/// <summary>Composes the gateway: services, Kestrel, middleware and endpoints. Tests build it the same way as Program.</summary>
public static class TollgateApp
{
    public const string DefaultUrl = "http://localhost:8080";

    /// <summary>Builds the app and loads its configuration; throws <see cref="ConfigException"/> for a bad config file.</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // appsettings.json is not Tollgate's config, and watching it means a recursive watch of the working directory,
        // which usually holds ./data: every SQLite write would wake the watcher thread.
        var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        var configuration = builder.Configuration;
        var options = new GatewayOptions
        {
            ConfigPath = configuration["config"] ?? configuration["TOLLGATE_CONFIG"],
            DataDirectory = configuration["data"] ?? configuration["TOLLGATE_DATA"] ?? "data",
            AdminToken = configuration["TOLLGATE_ADMIN_TOKEN"],
            AdminPassword = configuration["TOLLGATE_ADMIN_PASSWORD"],
            EncryptionKey = configuration["TOLLGATE_ENCRYPTION_KEY"],
            PostgresConnectionString = configuration["TOLLGATE_POSTGRES"],
        };

        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.AddGatewayObservability();

        Directory.CreateDirectory(options.DataDirectory);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IClusterLeadership, SingleInstanceLeadership>();
        services.AddSecrets();
        services.AddSingleton(sp => new ConfigLoader(sp.GetRequiredService<ISecretResolver>(),
            GatewayConfigLoading.Sections(sp.GetRequiredService<GovernanceReader>(), sp.GetRequiredService<GuardrailsReader>())));
        services.AddGatewayStorage(options);
        services.AddSingleton<GatewayConfigMonitor>();
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<RouteHealthRegistry>();
        services.AddSingleton<HealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        services.AddInferencePipeline();
        services.AddGuardrails();
        services.AddCaching();
        services.AddClientDialects();
        services.AddSingleton<RequestTelemetry>();
        services.AddGovernance(options);
        services.AddRequestLogs(options);
        services.AddAudit(options);
        services.AddAlerts(options);
        services.AddExports();
        services.AddSingleton<GovernanceStage>();
        services.AddSingleton<AdminAuth>();
        services.AddSingleton(new PasswordHasher());
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<UserService>();
        services.AddSso(options);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, JsonOutput.Context));
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "Tollgate", Version = "v1", Description = "LLM gateway: inference (OpenAI-compatible) and admin API." };
            return Task.CompletedTask;
        }));
        services.AddCluster(options, configuration);
        services.AddExternalGuardrails();
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.Services.GetRequiredService<GatewayConfigMonitor>().Initialize();
        KestrelLimits.ApplyConfigured(app.Services);
        app.Services.GetRequiredService<ProviderRegistry>();
        using (ClusterServiceCollectionExtensions.BootstrapLock(app.Services))
        {
            app.Services.GetRequiredService<AdminAuth>();
            app.Services.GetRequiredService<UserService>().EnsureBootstrapAdmin();
        }

        app.Services.GetRequiredService<GovernanceRebuilder>().RestoreBudgets();
        var logWriter = app.Services.GetRequiredService<RequestLogWriter>();
        app.Services.GetRequiredService<GatewayMetrics>().ObserveLogQueue(() => logWriter.QueueDepth, () => logWriter.Dropped);

        app.UseGatewayObservability();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseSso();
        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<AdminAuthMiddleware>();
        app.UseCluster();
        app.MapOpenApi("/api/openapi.json");
        app.MapHealthApi();
        app.MapReadinessApi();
        app.MapInferenceApi();
        app.MapAnthropicApi();
        app.MapProvidersAdminApi();
        app.MapGovernanceAdminApi();
        app.MapRoutingAdminApi();
        app.MapPlaygroundApi();
        app.MapAuthApi();
        app.MapUsersApi();
        app.MapSsoApi();
        app.MapSettingsApi();
        app.MapLogsAdminApi();
        app.MapVaultsApi();
        app.MapAuditApi();
        app.MapAlertsApi();
        app.MapExportsApi();
        app.MapUi();
        app.MapFallback((HttpContext context) => ErrorResponses.WriteAsync(context,
            new GatewayError(StatusCodes.Status404NotFound, $"Unknown endpoint {context.Request.Method} {context.Request.Path}.",
                ErrorTypes.InvalidRequest, "unknown_url")));
        return app;
    }
}
