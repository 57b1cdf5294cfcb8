using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>
/// What System.Text.Json throws when a client body is not the JSON a translator expects: broken JSON, a value read as
/// another type (GetString on a number), text that does not transcode (an unpaired surrogate escape), a number out of
/// range. At the API edge these are the client's 400, not the gateway's 500 (issue 20); anything else stays a bug.
/// </summary>
internal static class MalformedInput
{
    public static bool Is(Exception e) => e is JsonException or InvalidOperationException or FormatException or OverflowException;

    public static GatewayError Error(Exception e) => e is JsonException
        ? GatewayError.BadRequest("The request body is not valid JSON.")
        : GatewayError.BadRequest("The request body has a field of the wrong type, or text that is not valid Unicode (an unpaired surrogate escape).");
}
