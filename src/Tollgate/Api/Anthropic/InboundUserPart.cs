namespace Tollgate.Api.Anthropic;

/// <summary>
/// What an Anthropic user content block becomes in the chat request: text joins a plain string turn, which every
/// OpenAI-compatible server accepts; anything else makes the turn an array of OpenAI content parts.
/// </summary>
internal enum InboundUserPart
{
    Text,
    Image,
    File,
}
