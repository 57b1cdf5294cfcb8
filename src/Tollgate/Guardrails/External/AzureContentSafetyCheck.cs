using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Guardrails.External;

/// <summary>
/// Azure AI Content Safety. <c>azure_content_safety</c>: <c>POST {endpoint}/contentsafety/text:analyze?api-version=2024-09-01</c>
/// with <c>{"text", "categories", "outputType": "FourSeverityLevels"}</c>; a category whose <c>severity</c> in
/// <c>categoriesAnalysis</c> reaches its threshold flags the text. <c>azure_prompt_shields</c>: <c>text:shieldPrompt</c> with
/// <c>{"userPrompt"}</c> (input) or <c>{"documents": [text]}</c> (output); <c>attackDetected</c> flags <c>Jailbreak</c>.
/// The key goes in <c>Ocp-Apim-Subscription-Key</c>.
/// </summary>
internal sealed class AzureContentSafetyCheck(IHttpClientFactory clients, string type, string endpoint, string apiKey,
    FrozenDictionary<string, int> thresholds, bool shields) : IGuardrailCheck
{
    public const string ApiVersion = "2024-09-01";

    public string Type => type;

    public async ValueTask<GuardrailVerdict> CheckAsync(string text, GuardrailDirection direction, CancellationToken cancellationToken)
    {
        var operation = shields ? "text:shieldPrompt" : "text:analyze";
        var body = JsonWire.Object(writer =>
        {
            if (shields)
            {
                if (direction == GuardrailDirection.Input)
                {
                    writer.WriteString("userPrompt", text);
                }
                else
                {
                    writer.WriteStartArray("documents");
                    writer.WriteStringValue(text);
                    writer.WriteEndArray();
                }
            }
            else
            {
                writer.WriteString("text", text);
                writer.WriteStartArray("categories");
                foreach (var category in thresholds.Keys)
                {
                    writer.WriteStringValue(category);
                }

                writer.WriteEndArray();
                writer.WriteString("outputType", "FourSeverityLevels");
            }
        });
        using var request = GuardrailHttp.JsonPost($"{endpoint}/contentsafety/{operation}?api-version={ApiVersion}", body);
        request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", apiKey);
        var (document, error) = await GuardrailHttp.SendAsync(clients.CreateClient(GuardrailHttp.ClientName), request, "azure content safety " + operation,
            cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return GuardrailVerdict.Failed(error!);
        }

        using (document)
        {
            try
            {
                return shields ? ReadShields(document.RootElement) : ReadAnalysis(document.RootElement);
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                return GuardrailVerdict.Failed($"azure content safety {operation}: unexpected answer");
            }
        }
    }

    private GuardrailVerdict ReadAnalysis(JsonElement root)
    {
        var fired = new List<string>();
        foreach (var item in root.GetProperty("categoriesAnalysis").EnumerateArray())
        {
            var category = item.GetProperty("category").GetString()!;
            var severity = item.TryGetProperty("severity", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : 0;
            if (thresholds.TryGetValue(category, out var threshold) && severity >= threshold)
            {
                fired.Add(category);
            }
        }

        if (root.TryGetProperty("blocklistsMatch", out var blocklists) && blocklists.ValueKind == JsonValueKind.Array && blocklists.GetArrayLength() > 0)
        {
            fired.Add("Blocklist");
        }

        return fired.Count == 0 ? GuardrailVerdict.Passed : new GuardrailVerdict(GuardrailOutcome.Flagged, fired, string.Join(',', fired));
    }

    private static GuardrailVerdict ReadShields(JsonElement root)
    {
        var attack = root.TryGetProperty("userPromptAnalysis", out var user) && user.ValueKind == JsonValueKind.Object
            && user.GetProperty("attackDetected").GetBoolean();
        if (root.TryGetProperty("documentsAnalysis", out var documents) && documents.ValueKind == JsonValueKind.Array)
        {
            attack |= documents.EnumerateArray().Any(d => d.GetProperty("attackDetected").GetBoolean());
        }

        return attack ? new GuardrailVerdict(GuardrailOutcome.Flagged, ["Jailbreak"], "Jailbreak") : GuardrailVerdict.Passed;
    }
}
