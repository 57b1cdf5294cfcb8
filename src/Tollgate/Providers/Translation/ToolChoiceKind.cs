namespace Tollgate.Providers.Translation;

internal enum ToolChoiceKind
{
    Auto,
    None,
    Required,
    Named,
}
