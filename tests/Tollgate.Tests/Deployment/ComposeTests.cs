using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tollgate.Configuration;
using Tollgate.Secrets;

namespace Tollgate.Tests.Deployment;

/// <summary>
/// deploy/compose.yaml, nginx.conf and the env examples agree with each other and with the Dockerfile: three gateways on
/// shared PostgreSQL and Redis, health-gated start order, secrets only from env files, nginx over exactly those gateways.
/// (No container engine runs here, so compose itself never starts them; docs/deployment.md says so.)
/// </summary>
public sealed partial class ComposeTests
{
    private static readonly JsonObject Compose = Yaml.LoadAll(File.ReadAllText(Repository.Path("deploy", "compose.yaml"))).Single()!.AsObject();

    private static JsonObject Services => Compose["services"]!.AsObject();

    private static readonly string[] Gateways = ["gateway-1", "gateway-2", "gateway-3"];

    [Fact]
    public void ThreeGateways_BuiltFromTheDockerfile_StartAfterHealthyPostgresAndRedis()
    {
        var image = Dockerfile.Load(Repository.Path("deploy", "Dockerfile"));
        Assert.Equal(Gateways, Services.Select(s => s.Key).Where(k => k.StartsWith("gateway-", StringComparison.Ordinal)));
        foreach (var name in Gateways)
        {
            var gateway = Services[name]!;
            Assert.Equal("deploy/Dockerfile", (string?)gateway["build"]!["dockerfile"]);
            Assert.True(File.Exists(Path.Combine(Repository.Path("deploy"), (string)gateway["build"]!["context"]!, "Tollgate.slnx")));
            Assert.Equal("service_healthy", (string?)gateway["depends_on"]!["postgres"]!["condition"]);
            Assert.Equal("service_healthy", (string?)gateway["depends_on"]!["redis"]!["condition"]);
            var test = gateway["healthcheck"]!["test"]!.AsArray().Select(t => (string)t!).ToList();
            Assert.Equal(["CMD", .. image.HealthCheck], test.Take(1 + image.HealthCheck.Length));
            Assert.True((bool)gateway["read_only"]!);
            Assert.Contains("/tmp", gateway["tmpfs"]!.AsArray().Select(t => (string?)t));
            Assert.True(int.Parse(((string)gateway["stop_grace_period"]!).TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) > 30);
            // Secrets come from the env file; the only literal is the config path.
            Assert.Equal(["tollgate.env"], gateway["env_file"]!.AsArray().Select(f => (string)f!));
            Assert.Equal(["TOLLGATE_CONFIG"], gateway["environment"]!.AsObject().Select(e => e.Key));
        }

        foreach (var name in (string[])["postgres", "redis"])
        {
            Assert.NotNull(Services[name]!["healthcheck"]);
            Assert.Equal([name + ".env"], Services[name]!["env_file"]!.AsArray().Select(f => (string)f!));
        }

        Assert.All(Gateways, g => Assert.Equal("service_healthy", (string?)Services["nginx"]!["depends_on"]![g]!["condition"]));
    }

    [Fact]
    public void Nginx_BalancesExactlyTheGateways_OnTheImagesPort_AndStreams()
    {
        var image = Dockerfile.Load(Repository.Path("deploy", "Dockerfile"));
        var conf = File.ReadAllText(Repository.Path("deploy", "nginx.conf"));

        var servers = UpstreamServer().Matches(conf).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

        Assert.Equal(Gateways.Select(g => (g, image.Exposed.Single())), servers);
        Assert.Contains("proxy_buffering off;", conf);
        Assert.Contains("proxy_http_version 1.1;", conf);
        Assert.Equal("8080:8080", (string?)Services["nginx"]!["ports"]![0]);
    }

    [Fact]
    public void EnvExamples_AgreeOnPasswords_AndTheConfigLoadsWithThem()
    {
        var tollgate = EnvFile("tollgate.env.example");
        var postgres = EnvFile("postgres.env.example");
        var redis = EnvFile("redis.env.example");

        Assert.Contains($"Password={postgres["POSTGRES_PASSWORD"]};", tollgate["TOLLGATE_POSTGRES"]);
        Assert.Contains($"Username={postgres["POSTGRES_USER"]};", tollgate["TOLLGATE_POSTGRES"]);
        Assert.Contains($"password={redis["REDIS_PASSWORD"]}", tollgate["TOLLGATE_REDIS"]);
        Assert.StartsWith("Host=postgres;", tollgate["TOLLGATE_POSTGRES"]);
        Assert.StartsWith("redis:6379", tollgate["TOLLGATE_REDIS"]);
        Assert.NotEmpty(tollgate["TOLLGATE_ENCRYPTION_KEY"]);

        var config = GatewayConfigLoading.Loader(new SecretResolver(name => tollgate.GetValueOrDefault(name)))
            .Load(File.ReadAllText(Repository.Path("deploy", "config", "tollgate.json")));
        Assert.NotEmpty(config.Providers);
        // The real env files are never committed.
        Assert.Contains("*.env", File.ReadAllText(Repository.Path("deploy", ".gitignore")));
    }

    private static Dictionary<string, string> EnvFile(string name) =>
        File.ReadAllLines(Repository.Path("deploy", name))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    [GeneratedRegex(@"^\s*server\s+([\w.-]+):(\d+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}
