using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Guardrails.External;

/// <summary>
/// OpenAI moderation: <c>POST {base_url}/v1/moderations</c> with <c>{"model", "input"}</c>, Bearer key; <c>results[0].flagged</c>
/// flags the text with the categories that are true (only <paramref name="categories"/> when given).
/// </summary>
internal sealed class OpenAIModerationCheck(IHttpClientFactory clients, string url, string apiKey, string model, IReadOnlyList<string> categories)
    : IGuardrailCheck
{
    public string Type => OpenAIModerationFactory.TypeName;

    public async ValueTask<GuardrailVerdict> CheckAsync(string text, GuardrailDirection direction, CancellationToken cancellationToken)
    {
        using var request = GuardrailHttp.JsonPost(url, JsonWire.Object(w =>
        {
            w.WriteString("model", model);
            w.WriteString("input", text);
        }));
        request.Headers.Authorization = new("Bearer", apiKey);
        var (document, error) = await GuardrailHttp.SendAsync(clients.CreateClient(GuardrailHttp.ClientName), request, "openai moderation", cancellationToken)
            .ConfigureAwait(false);
        if (document is null)
        {
            return GuardrailVerdict.Failed(error!);
        }

        using (document)
        {
            try
            {
                var fired = new List<string>();
                var flagged = false;
                foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
                {
                    flagged |= result.GetProperty("flagged").GetBoolean();
                    foreach (var category in result.GetProperty("categories").EnumerateObject())
                    {
                        if (category.Value.ValueKind == JsonValueKind.True && (categories.Count == 0 || categories.Contains(category.Name))
                            && !fired.Contains(category.Name))
                        {
                            fired.Add(category.Name);
                        }
                    }
                }

                // With a category filter, only those count; without one, OpenAI's own flagged decides.
                var hit = categories.Count == 0 ? flagged : fired.Count > 0;
                return hit ? new GuardrailVerdict(GuardrailOutcome.Flagged, fired, string.Join(',', fired)) : GuardrailVerdict.Passed;
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
            {
                return GuardrailVerdict.Failed("openai moderation: unexpected answer");
            }
        }
    }
}
