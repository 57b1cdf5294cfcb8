using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Tollgate.Configuration;
using Tollgate.Secrets;

namespace Tollgate.Tests.Deployment;

/// <summary>
/// deploy/helm/tollgate rendered for its defaults and for a cluster, then checked object by object: what a
/// Kubernetes API server would receive (probes, ports, env, security context, volumes) and what the chart refuses.
/// </summary>
public sealed class HelmChartTests
{
    private const string Cluster = """
        replicaCount: 3
        image:
          repository: registry.example/tollgate
          tag: "1.2.3"
        secrets:
          existingSecret: tollgate-secrets
        providerSecrets:
          existingSecret: tollgate-providers
        postgres:
          existingSecret: tollgate-postgres
        redis:
          existingSecret: tollgate-redis
          connectionStringKey: redis-url
        autoscaling:
          enabled: true
          minReplicas: 3
          maxReplicas: 12
        serviceMonitor:
          enabled: true
          labels:
            release: prometheus
        proxy:
          httpsProxy: http://proxy.internal:3128
        config:
          client:
            enforce_auth_on_inference: true
            max_request_body_size_mb: 16
          providers:
            openai:
              keys:
                - name: oa
                  value: env.OPENAI_API_KEY
                  models: ["*"]
        """;

    [Fact]
    public async Task Defaults_RenderOneInstanceOnSqliteWithAVolume()
    {
        var chart = await ChartRenderer.RenderAsync();

        Assert.Equal(["ConfigMap", "Deployment", "PersistentVolumeClaim", "Service", "ServiceAccount"], chart.Kinds);
        var spec = chart.Deployment["spec"]!;
        Assert.Equal(1, (int)spec["replicas"]!);
        Assert.Equal("Recreate", (string?)spec["strategy"]!["type"]);
        var data = Volume(chart, "data");
        Assert.Equal((string?)chart.Single("PersistentVolumeClaim")["metadata"]!["name"], (string?)data["persistentVolumeClaim"]!["claimName"]);
        Assert.DoesNotContain("TOLLGATE_POSTGRES", chart.Env.Keys);
        Assert.DoesNotContain("TOLLGATE_ENCRYPTION_KEY", chart.Env.Keys);
        Assert.Null(chart.Container["envFrom"]);
        AssertValidAgainstSchema(chart.Values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryValueSet_GivesProbesPortsEnvAndALockedDownContainer(bool cluster)
    {
        var chart = cluster ? await ChartRenderer.RenderAsync(Cluster) : await ChartRenderer.RenderAsync();
        var container = chart.Container;

        var port = Assert.Single(container["ports"]!.AsArray())!;
        Assert.Equal("http", (string?)port["name"]);
        Assert.Equal(JsonValueKind.Number, port["containerPort"]!.GetValueKind());
        Assert.Equal(8080, (int)port["containerPort"]!);
        Assert.Equal("http://+:8080", (string?)chart.Env["ASPNETCORE_URLS"]["value"]);
        Assert.Equal("/data", (string?)chart.Env["TOLLGATE_DATA"]["value"]);
        Assert.Equal(("/health", "http"), HttpGet(container["livenessProbe"]));
        Assert.Equal(("/ready", "http"), HttpGet(container["readinessProbe"]));
        Assert.Equal(("/health", "http"), HttpGet(container["startupProbe"]));

        var service = chart.Single("Service");
        var servicePort = Assert.Single(service["spec"]!["ports"]!.AsArray())!;
        Assert.Equal("http", (string?)servicePort["targetPort"]);
        Assert.Equal(80, (int)servicePort["port"]!);
        AssertSelects(service["spec"]!["selector"]!.AsObject(), chart);
        AssertSelects(chart.Deployment["spec"]!["selector"]!["matchLabels"]!.AsObject(), chart);

        var pod = chart.PodSpec;
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal(1654, (int)pod["securityContext"]!["runAsUser"]!);
        Assert.False((bool)pod["automountServiceAccountToken"]!);
        var security = container["securityContext"]!;
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));

        // Read-only root: the data directory and /tmp are the writable volumes; nothing else is.
        var mounts = container["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["mountPath"]!, m => m!.AsObject());
        Assert.Equal(["/data", "/etc/tollgate", "/tmp"], mounts.Keys.Order(StringComparer.Ordinal));
        Assert.True((bool)mounts["/etc/tollgate"]["readOnly"]!);
        Assert.NotNull(Volume(chart, "tmp")["emptyDir"]);

        // Longer than the gateway's default 30 s of stream drain plus the preStop pause.
        var grace = (int)pod["terminationGracePeriodSeconds"]!;
        var preStop = (int)container["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!;
        Assert.True(grace > 30 + preStop, $"terminationGracePeriodSeconds {grace}, preStop {preStop}");

        Assert.Equal("256Mi", (string?)container["resources"]!["requests"]!["memory"]);
        Assert.Equal("512Mi", (string?)container["resources"]!["limits"]!["memory"]);
        Assert.Null(container["resources"]!["limits"]!["cpu"]);
        AssertValidAgainstSchema(chart.Values);
    }

    [Fact]
    public async Task ConfigMap_IsMountedAsADirectory_AndHoldsAConfigTheGatewayLoads()
    {
        var chart = await ChartRenderer.RenderAsync(Cluster);

        var configMap = chart.Single("ConfigMap");
        var json = (string)configMap["data"]!["tollgate.json"]!;
        var config = GatewayConfigLoading.Loader(new SecretResolver(name => name == "OPENAI_API_KEY" ? "sk-test-from-secret" : null)).Load(json);
        Assert.Equal(16, config.Client.MaxRequestBodySizeMb);
        Assert.Equal("sk-test-from-secret", Assert.Single(config.Providers["openai"].Keys).Value);

        var configPath = (string)chart.Env["TOLLGATE_CONFIG"]["value"]!;
        Assert.Equal("/etc/tollgate/tollgate.json", configPath);
        var mount = chart.Container["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == "config")!;
        Assert.Equal(Path.GetDirectoryName(configPath), (string?)mount["mountPath"]);
        // A subPath mount never sees kubelet's ..data swap, so the gateway would never reload.
        Assert.Null(mount["subPath"]);
        Assert.Equal((string?)configMap["metadata"]!["name"], (string?)Volume(chart, "config")["configMap"]!["name"]);
    }

    [Fact]
    public async Task ExistingConfigMap_IsMountedInsteadOfOneOfTheChart()
    {
        var chart = await ChartRenderer.RenderAsync("existingConfigMap: team-gateway-config\n");

        Assert.Empty(chart.OfKind("ConfigMap"));
        Assert.Equal("team-gateway-config", (string?)Volume(chart, "config")["configMap"]!["name"]);
    }

    [Fact]
    public async Task Cluster_SharesPostgresAndRedisFromSecrets_AndScalesWithABudgetForDisruptions()
    {
        var chart = await ChartRenderer.RenderAsync(Cluster);

        Assert.Equal(["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "ServiceAccount", "ServiceMonitor"],
            chart.Kinds);
        var spec = chart.Deployment["spec"]!;
        Assert.Null(spec["replicas"]);
        Assert.Equal("RollingUpdate", (string?)spec["strategy"]!["type"]);
        Assert.Equal(0, (int)spec["strategy"]!["rollingUpdate"]!["maxUnavailable"]!);
        Assert.Equal("registry.example/tollgate:1.2.3", (string?)chart.Container["image"]);
        Assert.NotNull(Volume(chart, "data")["emptyDir"]);

        Assert.Equal(("tollgate-postgres", "connection-string", false), SecretRef(chart.Env["TOLLGATE_POSTGRES"]));
        Assert.Equal(("tollgate-redis", "redis-url", false), SecretRef(chart.Env["TOLLGATE_REDIS"]));
        Assert.Equal(("tollgate-secrets", "encryption-key", false), SecretRef(chart.Env["TOLLGATE_ENCRYPTION_KEY"]));
        Assert.Equal(("tollgate-secrets", "admin-token", true), SecretRef(chart.Env["TOLLGATE_ADMIN_TOKEN"]));
        Assert.Equal(("tollgate-secrets", "admin-password", true), SecretRef(chart.Env["TOLLGATE_ADMIN_PASSWORD"]));
        Assert.Equal("tollgate-providers", (string?)Assert.Single(chart.Container["envFrom"]!.AsArray())!["secretRef"]!["name"]);
        Assert.Equal("http://proxy.internal:3128", (string?)chart.Env["HTTPS_PROXY"]["value"]);
        Assert.Contains(".svc", (string?)chart.Env["NO_PROXY"]["value"]);
        // No secret value is ever rendered: every secret env var is a reference.
        Assert.All(chart.Env.Values.Where(e => ((string)e["name"]!).Contains("POSTGRES") || ((string)e["name"]!).Contains("KEY")),
            e => Assert.Null(e["value"]));

        var hpa = chart.Single("HorizontalPodAutoscaler")["spec"]!;
        Assert.Equal((3, 12), ((int)hpa["minReplicas"]!, (int)hpa["maxReplicas"]!));
        Assert.Equal(("Deployment", (string?)chart.Deployment["metadata"]!["name"]),
            ((string?)hpa["scaleTargetRef"]!["kind"], (string?)hpa["scaleTargetRef"]!["name"]));
        var cpu = Assert.Single(hpa["metrics"]!.AsArray())!["resource"]!;
        Assert.Equal(("cpu", 70), ((string?)cpu["name"], (int)cpu["target"]!["averageUtilization"]!));

        var pdb = chart.Single("PodDisruptionBudget")["spec"]!;
        Assert.Equal(1, (int)pdb["maxUnavailable"]!);
        AssertSelects(pdb["selector"]!["matchLabels"]!.AsObject(), chart);

        var monitor = chart.Single("ServiceMonitor");
        Assert.Equal("monitoring.coreos.com/v1", (string?)monitor["apiVersion"]);
        Assert.Equal("prometheus", (string?)monitor["metadata"]!["labels"]!["release"]);
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;
        Assert.Equal(("http", "/metrics"), ((string?)endpoint["port"], (string?)endpoint["path"]));
        Assert.Equal(chart.Single("Service")["metadata"]!["labels"]!["app.kubernetes.io/instance"]!.ToJsonString(),
            monitor["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/instance"]!.ToJsonString());
    }

    [Fact]
    public async Task PostgresWithoutRedis_RendersButTheNotesWarnThatLimitsArePerInstance()
    {
        const string values = """
            replicaCount: 2
            secrets: { existingSecret: s }
            postgres: { existingSecret: pg }
            """;
        var chart = await ChartRenderer.RenderAsync(values);
        var notes = await ChartRenderer.RenderNotesAsync(values);

        Assert.Equal(2, (int)chart.Deployment["spec"]!["replicas"]!);
        Assert.DoesNotContain("TOLLGATE_REDIS", chart.Env.Keys);
        Assert.Contains("WARNING: PostgreSQL without Redis", notes);
        Assert.Contains("port-forward service/tollgate 8080:80", notes);
        Assert.DoesNotContain("WARNING", await ChartRenderer.RenderNotesAsync(Cluster));
    }

    [Theory]
    [InlineData("replicaCount: 3\n", "set postgres.existingSecret")]
    [InlineData("autoscaling: { enabled: true }\n", "set postgres.existingSecret")]
    [InlineData("replicaCount: 2\npostgres: { existingSecret: pg }\n", "set secrets.existingSecret")]
    [InlineData("terminationGracePeriodSeconds: 30\n", "terminationGracePeriodSeconds (30) must be longer")]
    [InlineData("config: { client: { shutdown_grace_seconds: 60 } }\n", "config.client.shutdown_grace_seconds (60)")]
    public async Task ValuesThatWouldDeployABrokenGateway_AreRefused(string values, string reason)
    {
        var error = await ChartRenderer.RenderErrorAsync(values);

        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("replica: 3\n", "replica")]
    [InlineData("service: { prot: 80 }\n", "prot")]
    [InlineData("containerPort: \"8080\"\n", "containerPort")]
    [InlineData("image: { pullPolicy: Sometimes }\n", "pullPolicy")]
    public async Task Schema_RejectsTyposAndWrongTypes(string values, string field)
    {
        var chart = await ChartRenderer.RenderAsync(values);

        var errors = SchemaErrors(chart.Values);

        Assert.Contains(errors, e => e.Contains(field, StringComparison.Ordinal));
    }

    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(ChartRenderer.ChartDirectory, "values.schema.json")));

    private static List<string> SchemaErrors(JsonObject values)
    {
        using var document = JsonDocument.Parse(values.ToJsonString());
        var result = Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return [.. (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))];
    }

    private static void AssertValidAgainstSchema(JsonObject values)
    {
        var errors = SchemaErrors(values);
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    private static (string?, string?) HttpGet(JsonNode? probe) => ((string?)probe!["httpGet"]!["path"], (string?)probe["httpGet"]!["port"]);

    private static (string?, string?, bool) SecretRef(JsonObject env)
    {
        var reference = env["valueFrom"]!["secretKeyRef"]!;
        return ((string?)reference["name"], (string?)reference["key"], (bool?)reference["optional"] ?? false);
    }

    private static JsonObject Volume(RenderedChart chart, string name) =>
        chart.PodSpec["volumes"]!.AsArray().Single(v => (string?)v!["name"] == name)!.AsObject();

    /// <summary>Every label of the selector is on the Deployment's pod template, so it selects the gateway's pods.</summary>
    private static void AssertSelects(JsonObject selector, RenderedChart chart)
    {
        var podLabels = chart.Deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.NotEmpty(selector);
        foreach (var (label, value) in selector)
        {
            Assert.Equal((string?)value, (string?)podLabels[label]);
        }
    }
}
