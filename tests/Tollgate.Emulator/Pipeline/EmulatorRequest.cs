using System.Text.Json.Nodes;

namespace Tollgate.Emulator.Pipeline;

/// <summary>What the pipeline worked out once per request, so handlers neither re-read the body nor re-match faults.</summary>
internal sealed class EmulatorRequest
{
    public required string Provider { get; init; }

    public required string Body { get; init; }

    /// <summary>The body as a JSON object; null when the body is empty or not a JSON object.</summary>
    public JsonObject? Json { get; init; }

    /// <summary>True when there was a body but it was not a JSON object.</summary>
    public bool InvalidJson { get; init; }

    public string? Credential { get; init; }

    public bool IsStream { get; init; }

    /// <summary>A non-status fault (drop-stream) the handler must honour.</summary>
    public FaultRule? Fault { get; set; }
}
