using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Guardrails.External;

/// <summary>
/// Generic webhook (docs/guardrails-external.md): <c>POST {url}</c> with <c>{"rule", "direction", "text", "request_id"}</c>,
/// signed <c>x-tollgate-signature: t=UNIX,v1=HEX(HMAC-SHA256(secret, t + "." + body))</c>; the answer
/// <c>{"action": "pass" | "block" | "flag", "categories": [...]}</c> (block and flag both mean flagged: the rule's action decides).
/// </summary>
internal sealed class WebhookCheck(IHttpClientFactory clients, TimeProvider time, string ruleId, string url, string? secret) : IGuardrailCheck
{
    public const string SignatureHeader = "x-tollgate-signature";

    public string Type => WebhookFactory.TypeName;

    public async ValueTask<GuardrailVerdict> CheckAsync(string text, GuardrailDirection direction, CancellationToken cancellationToken)
    {
        var body = JsonWire.Object(writer =>
        {
            writer.WriteString("rule", ruleId);
            writer.WriteString("direction", direction == GuardrailDirection.Input ? "input" : "output");
            writer.WriteString("text", text);
            if (Activity.Current is { } activity)
            {
                writer.WriteString("request_id", activity.TraceId.ToHexString());
            }
            else
            {
                writer.WriteNull("request_id");
            }
        });
        using var request = GuardrailHttp.JsonPost(url, body);
        if (secret is not null)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.TryAddWithoutValidation(SignatureHeader, $"t={timestamp},v1={Signature(secret, timestamp, body)}");
        }

        var (document, error) = await GuardrailHttp.SendAsync(clients.CreateClient(GuardrailHttp.ClientName), request, "guardrail webhook", cancellationToken)
            .ConfigureAwait(false);
        if (document is null)
        {
            return GuardrailVerdict.Failed(error!);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String)
            {
                return GuardrailVerdict.Failed("guardrail webhook: the answer has no action");
            }

            var categories = root.TryGetProperty("categories", out var c) && c.ValueKind == JsonValueKind.Array
                ? [.. c.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Take(32)]
                : new List<string>();
            return action.GetString() switch
            {
                "pass" => GuardrailVerdict.Passed,
                "block" or "flag" => new GuardrailVerdict(GuardrailOutcome.Flagged, categories, string.Join(',', categories)),
                _ => GuardrailVerdict.Failed("guardrail webhook: unknown action"),
            };
        }
    }

    public static string Signature(string secret, string timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
