namespace Tollgate.Api.Anthropic;

/// <summary>What the pipeline needs from an Anthropic Messages request before the translated body is sent.</summary>
internal readonly record struct InboundRequestInfo(string Model, bool Stream, int MaxTokens);
