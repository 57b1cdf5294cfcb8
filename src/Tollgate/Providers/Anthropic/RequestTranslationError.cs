namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Why an OpenAI request cannot be expressed as an Anthropic one; the caller answers 400 with it.
/// <see cref="Param"/> names the offending field the way OpenAI errors do (<c>messages[2].content[0].type</c>).
/// </summary>
internal sealed record RequestTranslationError(string Message, string? Param);
