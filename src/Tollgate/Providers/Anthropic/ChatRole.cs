namespace Tollgate.Providers.Anthropic;

/// <summary>The OpenAI message roles the Anthropic translation distinguishes.</summary>
internal enum ChatRole
{
    Unknown,
    System,
    User,
    Assistant,
    Tool,
}
