using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Operations.Alerts;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Operations.Alerts;

/// <summary>
/// Each channel type's wire format, sent through <c>POST /api/alerts/channels/{id}/test</c> of a real gateway to real
/// receivers on loopback: an HTTP sink for the webhook, Slack, Teams and PagerDuty, and aiosmtpd (STARTTLS) for email.
/// </summary>
public sealed class AlertChannelTests : IAsyncLifetime
{
    private const string WebhookSecret = "whsec-test-7f3a";
    private HttpSink _sink = null!;
    private SmtpServer _smtp = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _sink = await HttpSink.StartAsync();
        _smtp = await SmtpServer.StartAsync();
        Environment.SetEnvironmentVariable("TOLLGATE_TEST_WEBHOOK_SECRET", WebhookSecret);
        _gateway = await GatewayHost.StartAsync($$"""
            {
              "alerts": {
                "channels": [
                  { "id": "hook", "type": "webhook", "url": "{{_sink.Url}}/hook", "secret": "env.TOLLGATE_TEST_WEBHOOK_SECRET" },
                  { "id": "slack", "type": "slack", "url": "{{_sink.Url}}/services/T000/B000/XXXX" },
                  { "id": "teams", "type": "teams", "url": "{{_sink.Url}}/workflows/teams" },
                  { "id": "pd", "type": "pagerduty", "url": "{{_sink.Url}}/v2/enqueue", "routing_key": "R0UTINGKEY" },
                  { "id": "mail", "type": "email", "host": "127.0.0.1", "port": {{_smtp.Port}}, "from": "tollgate@example.test",
                    "to": ["oncall@example.test"], "starttls": "required", "insecure_skip_verify": true },
                  { "id": "metadata", "type": "webhook", "url": "http://169.254.169.254/latest/meta-data/", "max_attempts": 1 },
                  { "id": "down", "type": "webhook", "url": "{{_sink.Url}}/down", "max_attempts": 1 }
                ],
                "rules": [
                  { "id": "errors", "type": "error_rate", "threshold": 0.2, "channels": ["hook", "slack"] }
                ]
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _sink.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task Webhook_PostsJson_SignedWithHmacOverTimestampAndBody()
    {
        var received = await TestAsync("hook");

        Assert.Equal("/hook", received.Path);
        Assert.StartsWith("application/json", received.Headers["content-type"], StringComparison.Ordinal);
        var json = received.Json;
        Assert.Equal("test", json.GetProperty("event").GetString());
        Assert.Equal("test", json.GetProperty("rule_id").GetString());
        Assert.StartsWith("tollgate/test/", json.GetProperty("dedup_key").GetString(), StringComparison.Ordinal);
        Assert.Contains("channel hook", json.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var timestamp = received.Headers["x-tollgate-timestamp"];
        Assert.Equal("sha256=" + AlertSender.Signature(WebhookSecret, timestamp, System.Text.Encoding.UTF8.GetBytes(received.Body)), received.Headers["x-tollgate-signature"]);
        Assert.NotEqual("sha256=" + AlertSender.Signature("another-secret", timestamp, System.Text.Encoding.UTF8.GetBytes(received.Body)), received.Headers["x-tollgate-signature"]);
    }

    [Fact]
    public async Task Slack_PostsBlockKit_WithHeaderSectionFieldsAndFallbackText()
    {
        var json = (await TestAsync("slack")).Json;

        Assert.Contains("test notice", json.GetProperty("text").GetString(), StringComparison.Ordinal);
        var blocks = json.GetProperty("blocks");
        Assert.Equal(["header", "section", "context"], blocks.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("mrkdwn", blocks[1].GetProperty("text").GetProperty("type").GetString());
        Assert.Contains(blocks[1].GetProperty("fields").EnumerateArray(), f => f.GetProperty("text").GetString() == "*Rule*\ntest");
    }

    [Fact]
    public async Task Teams_PostsAMessageWithAnAdaptiveCard()
    {
        var json = (await TestAsync("teams")).Json;

        Assert.Equal("message", json.GetProperty("type").GetString());
        var attachment = json.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        var body = card.GetProperty("body");
        Assert.Equal(["TextBlock", "TextBlock", "FactSet"], body.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Contains(body[2].GetProperty("facts").EnumerateArray(), f => f.GetProperty("title").GetString() == "Rule" && f.GetProperty("value").GetString() == "test");
    }

    [Fact]
    public async Task PagerDuty_PostsAnEventsV2Trigger_WithRoutingKeyDedupKeyAndPayload()
    {
        var json = (await TestAsync("pd")).Json;

        Assert.Equal("R0UTINGKEY", json.GetProperty("routing_key").GetString());
        Assert.Equal("trigger", json.GetProperty("event_action").GetString());
        Assert.StartsWith("tollgate/test/", json.GetProperty("dedup_key").GetString(), StringComparison.Ordinal);
        var payload = json.GetProperty("payload");
        Assert.Equal("tollgate", payload.GetProperty("source").GetString());
        Assert.Equal("info", payload.GetProperty("severity").GetString());
        Assert.True(DateTimeOffset.TryParse(payload.GetProperty("timestamp").GetString(), out _));
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task Email_IsDeliveredOverStartTls_ToAStrictServer()
    {
        var before = _smtp.Messages().Count;
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Post, "/api/alerts/channels/mail/test");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("ok").GetBoolean());
        // aiosmtpd runs with STARTTLS required: it refuses MAIL FROM on a plain connection, so delivery proves TLS.
        Assert.Equal(before + 1, _smtp.Messages().Count);
        var message = _smtp.Messages().Single(m => m.Contains("if you read this", StringComparison.Ordinal));
        Assert.Contains("To: oncall@example.test", message, StringComparison.Ordinal);
        Assert.Contains("Subject: [Tollgate] test notice", message, StringComparison.Ordinal);
        Assert.Contains("X-Tollgate-Dedup-Key: tollgate/test/", message, StringComparison.Ordinal);
        Assert.Contains("if you read this, the channel works", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_WithoutStartTls_IsRefusedByTheServer_AndReportedAsAFailure()
    {
        var config = _gateway.Services.GetRequiredService<AlertEngine>().Config.Channels.Single(c => c.Id == "mail") with { StartTls = "none" };
        var sender = _gateway.Services.GetRequiredService<AlertSender>();
        var before = _smtp.Messages().Count;

        var delivery = await sender.SendAsync(config, new AlertNotice(AlertNoticeKind.Test, "t", "test", "", "info", "plain", null, null, DateTimeOffset.UtcNow, "k"), default);

        Assert.False(delivery.Ok);
        Assert.Equal(before, _smtp.Messages().Count);
    }

    [Fact]
    public async Task Test_ToAMetadataAddress_IsRefusedWithoutSendingAnything()
    {
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Post, "/api/alerts/channels/metadata/test");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("alert_delivery_failed", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("link-local", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_ToAFailingReceiver_Is502_AndTheHistoryRecordsIt()
    {
        _sink.Fail(500);
        var (response, _) = await _gateway.AdminAsync(HttpMethod.Post, "/api/alerts/channels/down/test");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var (notFound, error) = await _gateway.AdminAsync(HttpMethod.Post, "/api/alerts/channels/nope/test");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("not_found", error.GetProperty("error").GetProperty("code").GetString());

        var (_, history) = await _gateway.AdminAsync(HttpMethod.Get, "/api/alerts/history");
        var failed = history.GetProperty("events").EnumerateArray().First(e => e.GetProperty("channel_id").GetString() == "down");
        Assert.False(failed.GetProperty("ok").GetBoolean());
        Assert.Equal("HTTP 500", failed.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Alerts_ListsChannelsWithoutTheirSecrets_AndTheRules()
    {
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/alerts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = body.GetRawText();
        Assert.DoesNotContain(WebhookSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("R0UTINGKEY", text, StringComparison.Ordinal);
        Assert.DoesNotContain("XXXX", text, StringComparison.Ordinal);
        var slack = body.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "slack");
        Assert.Equal("slack", slack.GetProperty("type").GetString());
        Assert.True(body.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "hook").GetProperty("signed").GetBoolean());
        var rule = Assert.Single(body.GetProperty("rules").EnumerateArray());
        Assert.Equal("error_rate", rule.GetProperty("type").GetString());
        Assert.Equal(300, rule.GetProperty("window_seconds").GetInt32());
    }

    private async Task<HttpSink.Received> TestAsync(string channel)
    {
        var before = _sink.Requests.Count;
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Post, $"/api/alerts/channels/{channel}/test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("ok").GetBoolean());
        await _sink.WaitForAsync(before + 1);
        return _sink.Requests.ToArray()[before];
    }
}
