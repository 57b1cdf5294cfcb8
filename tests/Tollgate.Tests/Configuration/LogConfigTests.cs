using Tollgate.Configuration;
using Tollgate.Secrets;

namespace Tollgate.Tests.Configuration;

/// <summary>The request log's client settings: Bifrost's three are implemented now, plus Tollgate's own.</summary>
public sealed class LogConfigTests
{
    private static GatewayConfig Load(string client) =>
        GatewayConfigLoading.Loader(new SecretResolver(_ => null)).Load($$"""{ "client": {{client}} }""");

    [Fact]
    public void Defaults_LogEverythingButContent_For30Days()
    {
        var client = Load("{}").Client;

        Assert.True(client.EnableLogging);
        Assert.Equal(30, client.LogRetentionDays);
        Assert.False(client.DisableContentLogging);
        Assert.Equal(LogContentMode.Off, client.LogContent);
        Assert.Equal(10_000, client.LogQueueCapacity);
    }

    [Fact]
    public void BifrostLogFields_AreReadAndNoLongerWarnings()
    {
        var config = Load("""{ "enable_logging": false, "log_retention_days": 0, "disable_content_logging": true, "log_content": "full", "log_queue_capacity": 50 }""");

        Assert.Empty(config.Warnings);
        Assert.Equal(new ClientConfig { EnableLogging = false, LogRetentionDays = 0, DisableContentLogging = true, LogContent = LogContentMode.Full, LogQueueCapacity = 50 },
            config.Client);
        Assert.Equal(LogContentMode.Truncated, Load("""{ "log_content": "truncated" }""").Client.LogContent);
    }

    [Theory]
    [InlineData("""{ "log_content": "some" }""", "$.client.log_content")]
    [InlineData("""{ "log_content": true }""", "$.client.log_content")]
    [InlineData("""{ "log_retention_days": -1 }""", "$.client.log_retention_days")]
    [InlineData("""{ "log_retention_days": 1.5 }""", "$.client.log_retention_days")]
    [InlineData("""{ "enable_logging": "yes" }""", "$.client.enable_logging")]
    [InlineData("""{ "disable_content_logging": 1 }""", "$.client.disable_content_logging")]
    [InlineData("""{ "log_queue_capacity": 0 }""", "$.client.log_queue_capacity")]
    public void InvalidValue_FailsNamingItsPath(string client, string path)
    {
        var error = Assert.Throws<ConfigException>(() => Load(client));

        Assert.Equal(path, error.JsonPath);
    }
}
