using System.Net.Http.Headers;
using System.Text.Json;

namespace Tollgate.Tests.Fuzz;

/// <summary>
/// What every answer to a hostile body must satisfy: no 5xx from the gateway, a complete body, safe header values,
/// a rejection in the endpoint's error shape, and a stream only when the client asked for one with <c>"stream": true</c>.
/// </summary>
public static class ResponseOracle
{
    /// <returns>Null when the answer is acceptable, else what is wrong with it.</returns>
    public static string? Check(FuzzTarget target, byte[] request, HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return $"status {status}: {Text(body)}";
        }

        if ((UnsafeHeader(response.Headers) ?? UnsafeHeader(response.Content.Headers)) is { } header)
        {
            return $"header {header} carries a control character";
        }

        var isStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        if (status >= 400)
        {
            return isStream ? $"status {status} as an event stream" : CheckErrorShape(target, status, body);
        }

        if (isStream)
        {
            return AsksForStream(request) ? null : $"status {status}: an event stream although the body has no \"stream\": true";
        }

        if (body.Length == 0)
        {
            return $"status {status} with an empty body";
        }

        try
        {
            using var _ = JsonDocument.Parse(body);
            return null;
        }
        catch (JsonException)
        {
            return $"status {status}: the body is not JSON: {Text(body)}";
        }
    }

    private static string? CheckErrorShape(FuzzTarget target, int status, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var ok = target.AnthropicShape
                ? root.TryGetProperty("type", out var type) && type.ValueEquals("error")
                    && root.TryGetProperty("error", out var error) && IsText(error, "type") && IsText(error, "message")
                : root.TryGetProperty("error", out var openAIError) && IsText(openAIError, "message") && IsText(openAIError, "type");
            return ok ? null : $"status {status}: not in the {(target.AnthropicShape ? "Anthropic" : "OpenAI")} error shape: {Text(body)}";
        }
        catch (JsonException)
        {
            return $"status {status}: the error body is not JSON: {Text(body)}";
        }
    }

    private static bool IsText(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString()!.Length > 0;

    /// <summary>Whether the top-level <c>stream</c> is the JSON literal true.</summary>
    private static bool AsksForStream(byte[] request)
    {
        try
        {
            using var document = JsonDocument.Parse(request);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? UnsafeHeader(HttpHeaders headers)
    {
        foreach (var (name, values) in headers.NonValidated)
        {
            foreach (var value in values)
            {
                if (value.Any(c => c is < ' ' and not '\t' or '\x7f'))
                {
                    return name;
                }
            }
        }

        return null;
    }

    private static string Text(byte[] body) => BodyMutator.Describe(body[..Math.Min(body.Length, 400)]);
}
