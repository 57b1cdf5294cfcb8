using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Tollgate.Operations.Alerts;

/// <summary>
/// Delivers a notice to one channel. HTTP channels share one <see cref="SocketsHttpHandler"/> whose connect step goes
/// through <see cref="OutboundAddressGuard"/>; a failed POST (network, 429, 5xx) is retried with exponential backoff
/// (1 s, 2 s, 4 s, on the injected clock). Email goes over SMTP with STARTTLS through MailKit.
/// </summary>
internal sealed class AlertSender : IDisposable
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Func<AlertsConfig> _config;

    public AlertSender(TimeProvider time, Func<AlertsConfig> config)
    {
        _time = time;
        _config = config;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = await OutboundAddressGuard.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, _config().AllowLinkLocal, cancellationToken)
                    .ConfigureAwait(false);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
    }

    public async Task<AlertDelivery> SendAsync(AlertChannelConfig channel, AlertNotice notice, CancellationToken cancellationToken)
    {
        if (channel.Type == AlertChannelType.Email)
        {
            return await SendEmailAsync(channel, notice, cancellationToken).ConfigureAwait(false);
        }

        var body = channel.Type switch
        {
            AlertChannelType.Slack => AlertPayloads.Slack(notice),
            AlertChannelType.Teams => AlertPayloads.Teams(notice),
            AlertChannelType.PagerDuty => AlertPayloads.PagerDuty(notice, channel.RoutingKey!),
            _ => AlertPayloads.Webhook(notice),
        };
        var delay = FirstBackoff;
        string detail = "";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                if (channel.Type == AlertChannelType.Webhook)
                {
                    Sign(request, channel, notice, body);
                }

                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return new AlertDelivery(true, attempt, $"HTTP {(int)response.StatusCode}");
                }

                detail = $"HTTP {(int)response.StatusCode}";
                var retryable = (int)response.StatusCode is 408 or 429 or >= 500;
                if (!retryable)
                {
                    return new AlertDelivery(false, attempt, detail);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                detail = ex.Message;
                if (ex.Message.Contains("alerts.allow_link_local", StringComparison.Ordinal))
                {
                    return new AlertDelivery(false, attempt, detail);
                }
            }

            if (attempt >= channel.MaxAttempts)
            {
                return new AlertDelivery(false, attempt, detail);
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay *= 2;
        }
    }

    /// <summary>
    /// <c>x-tollgate-signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))</c>: the timestamp inside the
    /// signature lets a receiver refuse replays of an old notice.
    /// </summary>
    private void Sign(HttpRequestMessage request, AlertChannelConfig channel, AlertNotice notice, byte[] body)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("x-tollgate-event", notice.KindName);
        request.Headers.Add("x-tollgate-timestamp", timestamp);
        if (channel.Secret is { Length: > 0 } secret)
        {
            request.Headers.Add("x-tollgate-signature", "sha256=" + Signature(secret, timestamp, body));
        }
    }

    public static string Signature(string secret, string timestamp, byte[] body)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), signed));
    }

    private async Task<AlertDelivery> SendEmailAsync(AlertChannelConfig channel, AlertNotice notice, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(channel.From!));
        foreach (var to in channel.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = notice.Title;
        message.Body = new TextPart("plain") { Text = AlertPayloads.EmailText(notice) };
        message.Headers.Add("X-Tollgate-Dedup-Key", notice.DedupKey);
        using var client = new SmtpClient();
        if (channel.InsecureSkipVerify)
        {
#pragma warning disable CA5359 // Opt-in per channel (insecure_skip_verify) for relays with self-signed certificates; off by default.
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        var options = channel.StartTls switch
        {
            "none" => SecureSocketOptions.None,
            "when_available" => SecureSocketOptions.StartTlsWhenAvailable,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            var socket = await OutboundAddressGuard.ConnectAsync(channel.SmtpHost!, channel.SmtpPort, _config().AllowLinkLocal, cancellationToken).ConfigureAwait(false);
            await client.ConnectAsync(socket, channel.SmtpHost!, channel.SmtpPort, options, cancellationToken).ConfigureAwait(false);
            if (channel.Username is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, channel.Password ?? "", cancellationToken).ConfigureAwait(false);
            }

            var reply = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            return new AlertDelivery(true, 1, "SMTP " + reply);
        }
        // Whatever MailKit or the network throws (refused STARTTLS, auth, TLS, protocol), delivery failed: a value, not a crash.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new AlertDelivery(false, 1, ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
