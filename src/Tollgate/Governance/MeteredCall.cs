namespace Tollgate.Governance;

/// <summary>What governance needs to know about one routed call: where it goes and what it asks for.</summary>
/// <param name="ProviderName">The configured provider name (<c>dbx-prod</c>).</param>
/// <param name="ProviderType">The provider's type, for the price catalog (<c>databricks</c>).</param>
/// <param name="Model">The model name the upstream knows.</param>
/// <param name="Body">The request body in the OpenAI dialect, for token estimates.</param>
/// <param name="MaxTokens">The request's <c>max_tokens</c>, bounding the worst-case cost.</param>
internal readonly record struct MeteredCall(
    string ProviderName,
    string ProviderType,
    string Model,
    MeteredOperation Operation,
    ReadOnlyMemory<byte> Body,
    int? MaxTokens);
