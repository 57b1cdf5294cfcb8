namespace Tollgate.Api.Anthropic;

/// <summary>
/// Why an Anthropic Messages request cannot be served; the caller answers 400 with it in Anthropic's error shape.
/// <see cref="Message"/> already starts with the offending field the way Anthropic's own validation errors do
/// (<c>max_tokens: Field required</c>), because that shape has no separate <c>param</c>; <see cref="Param"/> names the
/// field on its own for logs.
/// </summary>
internal sealed record InboundError(string Type, string Message, string? Param);
