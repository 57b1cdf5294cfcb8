using Tollgate.Configuration;
using Tollgate.Operations.Alerts;
using Tollgate.Secrets;

namespace Tollgate.Tests.Operations.Alerts;

public sealed class AlertsConfigTests
{
    private static readonly Dictionary<string, string> Env = new() { ["HOOK_SECRET"] = "s3cret", ["PD_KEY"] = "pd-routing" };

    private static GatewayConfig Load(string alerts) => GatewayConfigLoading.Loader(new SecretResolver(name => Env.GetValueOrDefault(name))).Load($$"""{ "alerts": {{alerts}} }""");

    [Fact]
    public void Load_ChannelsAndRules_ResolvesSecretReferencesAndDefaults()
    {
        var config = Load("""
            {
              "channels": [
                { "id": "hook", "type": "webhook", "url": "https://hooks.example.com/x", "secret": "env.HOOK_SECRET" },
                { "id": "pd", "type": "pagerduty", "routing_key": "env.PD_KEY" },
                { "id": "mail", "type": "email", "host": "smtp.example.com", "from": "a@example.com", "to": ["b@example.com"] }
              ],
              "rules": [
                { "id": "b", "type": "budget_usage", "budget_id": "b-acme", "thresholds": [100, 50, 80], "channels": ["hook", "pd"] },
                { "id": "slow", "type": "latency_p95", "threshold": 4000, "window_seconds": 600, "model": "gpt-4o", "channels": ["mail"] }
              ]
            }
            """).Alerts;

        Assert.Equal("s3cret", config.Channels[0].Secret);
        Assert.Equal("pd-routing", config.Channels[1].RoutingKey);
        Assert.Equal("https://events.pagerduty.com/v2/enqueue", config.Channels[1].Url);
        Assert.Equal(587, config.Channels[2].SmtpPort);
        Assert.Equal("required", config.Channels[2].StartTls);
        Assert.Equal([50.0, 80.0, 100.0], config.Rules[0].Thresholds);
        Assert.Equal(AlertRuleType.LatencyP95, config.Rules[1].Type);
        Assert.Equal(TimeSpan.FromMinutes(10), config.Rules[1].Window);
        Assert.Equal(TimeSpan.FromSeconds(30), config.EvaluationInterval);
    }

    [Theory]
    [InlineData("""{ "channels": [{ "id": "x", "type": "sms", "url": "https://a" }] }""", "$.alerts.channels[0].type", "unknown channel type")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "slack" }] }""", "$.alerts.channels[0].url", "is required")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "ftp://a/b" }] }""", "$.alerts.channels[0].url", "http or https")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a", "secret": "env.NOPE" }] }""", "$.alerts.channels[0].secret", "NOPE")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "pagerduty" }] }""", "$.alerts.channels[0].routing_key", "is required")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "email", "host": "h", "from": "a@b", "to": [] }] }""", "$.alerts.channels[0].to", "at least one")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "email", "host": "h", "from": "a@b", "to": ["c@d"], "starttls": "maybe" }] }""", "$.alerts.channels[0].starttls", "required")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a", "urll": 1 }] }""", "$.alerts.channels[0].urll", "unknown field")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }, { "id": "x", "type": "webhook", "url": "https://b" }] }""", "$.alerts.channels[1].id", "twice")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }], "rules": [{ "id": "r", "type": "error_rate", "channels": ["y"] }] }""", "$.alerts.rules[0].channels[0]", "no channel")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }], "rules": [{ "id": "r", "type": "errors", "channels": ["x"] }] }""", "$.alerts.rules[0].type", "unknown rule type")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }], "rules": [{ "id": "r", "type": "budget_usage", "channels": ["x"] }] }""", "$.alerts.rules[0].budget_id", "is required")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }], "rules": [{ "id": "r", "type": "budget_usage", "budget_id": "b", "thresholds": [0], "channels": ["x"] }] }""", "$.alerts.rules[0].thresholds[0]", "percentage")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }], "rules": [{ "id": "r", "type": "error_rate", "threshold": 5, "channels": ["x"] }] }""", "$.alerts.rules[0].threshold", "fraction")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }], "rules": [{ "id": "r", "type": "error_rate", "severity": "high", "channels": ["x"] }] }""", "$.alerts.rules[0].severity", "critical")]
    [InlineData("""{ "channels": [{ "id": "x", "type": "webhook", "url": "https://a" }], "rules": [{ "id": "r", "type": "log_drops" }] }""", "$.alerts.rules[0].channels", "at least one")]
    [InlineData("""{ "chanels": [] }""", "$.alerts.chanels", "unknown field")]
    public void Load_BadAlertsField_FailsWithItsJsonPath(string alerts, string path, string reason)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(alerts));

        Assert.Equal(path, ex.JsonPath);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("100.100.100.200", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("::1", false)]
    [InlineData("93.184.216.34", false)]
    public void OutboundAddressGuard_BlocksLinkLocalAndMetadataOnly(string address, bool blocked) =>
        Assert.Equal(blocked, OutboundAddressGuard.IsBlocked(System.Net.IPAddress.Parse(address)));
}
