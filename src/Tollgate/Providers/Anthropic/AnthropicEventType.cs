namespace Tollgate.Providers.Anthropic;

/// <summary>The <c>type</c> of an Anthropic Messages streaming event.</summary>
internal enum AnthropicEventType
{
    /// <summary>The event carried no <c>type</c>.</summary>
    None,
    MessageStart,
    ContentBlockStart,
    ContentBlockDelta,
    ContentBlockStop,
    MessageDelta,
    MessageStop,
    Ping,
    Error,

    /// <summary>A type added after this code was written; ignored, as Anthropic's versioning policy asks.</summary>
    Unknown,
}
