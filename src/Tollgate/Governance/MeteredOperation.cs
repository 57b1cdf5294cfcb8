namespace Tollgate.Governance;

/// <summary>The kind of call being metered, which decides how its input tokens are estimated.</summary>
internal enum MeteredOperation
{
    Chat,
    Completions,
    Embeddings,
}
