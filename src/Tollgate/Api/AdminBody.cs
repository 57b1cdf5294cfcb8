using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>
/// Reads an admin API body as a JSON document the readers behind it can use without tripping: a size limit, UTF-8
/// (RequestBodyReader), no duplicate keys (which one wins differs between parsers and stores), and every name and string
/// transcodable, so an unpaired surrogate escape is a 400 naming its path rather than a 500 from a GetString deep in a
/// reader (issue 20). Admin bodies are small and rare, so the whole-document walk costs nothing that matters.
/// </summary>
internal static class AdminBody
{
    /// <summary>Far above any provider or governance entity; the limit only stops a body from filling memory.</summary>
    private const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    public static GatewayError NotJson => GatewayError.BadRequest("The request body is not valid JSON.");

    /// <summary>The parsed body (the caller disposes it), or null after answering the 400 that says what is wrong.</summary>
    public static async Task<JsonDocument?> ReadOrAnswerAsync(HttpContext context)
    {
        var (document, error) = await ReadAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            await ErrorResponses.WriteAsync(context, error!).ConfigureAwait(false);
        }

        return document;
    }

    public static async Task<(JsonDocument? Document, GatewayError? Error)> ReadAsync(HttpContext context)
    {
        var (body, error) = await RequestBodyReader.ReadAsync(context, MaxBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        JsonDocument document;
        using (body)
        {
            try
            {
                document = JsonDocument.Parse(body!.WrittenMemory.ToArray(), Options);
            }
            catch (JsonException ex)
            {
                return (null, GatewayError.BadRequest($"The request body is not valid JSON{(ex.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) ? " (a key appears twice)" : "")}."));
            }
            catch (InvalidOperationException)
            {
                // The duplicate-key check unescapes names to compare them, and throws for an unpaired surrogate escape.
                return (null, GatewayError.BadRequest("The request body holds a name that is not valid Unicode text (an unpaired surrogate escape)."));
            }
        }

        if (FindBadText(document.RootElement, "$") is { } path)
        {
            document.Dispose();
            return (null, GatewayError.BadRequest($"{path} is not valid Unicode text (an unpaired surrogate escape).", path, "invalid_field"));
        }

        return (document, null);
    }

    private static string? FindBadText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Transcodes(element) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindBadText(item, $"{path}[{index++}]") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }

                    if (FindBadText(property.Value, $"{path}.{name}") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Transcodes(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
