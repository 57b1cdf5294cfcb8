namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// How much of a request's prompt and answer the request log keeps. Off by default: prompts carry personal data, so
/// keeping them is a decision a platform team makes per virtual key, not something a gateway does silently.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ContentLogMode>))]
public enum ContentLogMode
{
    /// <summary>Metadata only (tokens, cost, timings); no prompt or answer text.</summary>
    Off,

    /// <summary>The first <see cref="ContentLogLimits.TruncatedBytes"/> bytes of each body, enough to recognise a request.</summary>
    Truncated,

    /// <summary>Whole bodies, up to <see cref="ContentLogLimits.FullBytes"/> each so one huge request cannot swamp the log store.</summary>
    Full,
}
