namespace Tollgate.Streaming;

/// <summary>What a passthrough stream's event means to the gateway.</summary>
internal enum PassthroughEvent
{
    Other,

    /// <summary>A piece of the answer (about one token): counted for the estimate when no usage comes.</summary>
    Content,

    /// <summary>Carries usage (totals so far).</summary>
    Usage,

    /// <summary>Ends the stream and carries the final usage.</summary>
    Final,

    /// <summary>Ends the stream.</summary>
    End,
}
