using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Translation;

/// <summary>An OpenAI embeddings body: its texts (a string or a list of strings) and optional dimensions.</summary>
internal sealed class EmbeddingRequest
{
    public List<string> Inputs { get; } = [];

    public int? Dimensions { get; private set; }

    public static GatewayError? TryRead(ReadOnlyMemory<byte> body, out EmbeddingRequest request)
    {
        request = new EmbeddingRequest();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("input"u8, out var input))
            {
                return GatewayError.BadRequest("'input' is required.", "input");
            }

            if (input.ValueKind == JsonValueKind.String)
            {
                request.Inputs.Add(input.GetString()!);
            }
            else if (input.ValueKind == JsonValueKind.Array && input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            {
                request.Inputs.AddRange(input.EnumerateArray().Select(e => e.GetString()!));
            }
            else
            {
                // Token arrays are tokenizer-specific: only OpenAI-compatible upstreams can take them.
                return GatewayError.BadRequest("This provider takes 'input' as a string or an array of strings, not tokens.", "input");
            }

            if (request.Inputs.Count == 0)
            {
                return GatewayError.BadRequest("'input' must not be empty.", "input");
            }

            if (root.TryGetProperty("dimensions"u8, out var dimensions) && dimensions.ValueKind == JsonValueKind.Number && dimensions.TryGetInt32(out var d))
            {
                request.Dimensions = d;
            }

            return null;
        }
        catch (JsonException)
        {
            return GatewayError.BadRequest("The request body is not valid JSON.");
        }
    }
}
